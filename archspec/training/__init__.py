"""Training the emitted module: `archspec train` (`train_cli.py`, `train.py`), its data, batches,
checkpoints and weight files."""
