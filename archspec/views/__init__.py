"""Views of an analysed network: the summary table and JSON (`report.py`), drawings (`diagram.py`),
the block tree, notebooks, and the playground's Python side (`web.py`)."""
