"""What `archspec render` can write: its formats, directions, where the shapes go and the default
resolution of a PNG. Apart from archspec.views.diagram so that building the command line's parser does
not import the diagram code."""

FORMATS = ("svg", "png", "pdf", "dot")
DIRECTIONS = ("TB", "LR")
# where tensor shapes are written: in the box that makes each tensor (once per tensor, as the
# lecture tables' output column), on the arrows that carry it, or both
SHAPES = ("boxes", "edges", "both")
PNG_DPI = 150  # Graphviz draws at 96 dpi: too coarse for a projector
