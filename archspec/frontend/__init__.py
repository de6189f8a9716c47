"""The front end: the syntax tree (`syntax.py`), the grammar that defines the language
(`grammar.lark`), and the parser that follows it (`lexer.py`, `parse.py`)."""
