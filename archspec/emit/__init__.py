"""Code generation: the analysed graph as PyTorch source (`pytorch.py`), its Python names
(`names.py`), the built module (`build.py`), and Keras's summary names (`keras.py`)."""
