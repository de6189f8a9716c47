"""`archspec lsp`: a language server for `.arch` files (LSP 3.17, on standard input and output)."""
