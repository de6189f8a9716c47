"""Analysis: a parsed spec to a checked graph (`load.py` drives `expand.py`, which evaluates
`expr.py` and checks `expect.py`; `graph.py` is the result)."""
