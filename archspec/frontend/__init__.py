"""The front end: the syntax tree (`syntax.py`), the grammar (`grammar.lark`) and the parser
(`parse.py`)."""
