"""The peer: what a user runs instead of `archspec check specs/resnet152.arch`.

Builds torchvision's ResNet-152 (random init: no weights are downloaded) and prints
torchinfo's summary for a 1x3x224x224 input: layer table, output shapes, parameter
counts, MACs and the memory estimate, the same facts `archspec check` reports.
The benchmark times this whole process (interpreter start, imports, model build,
the traced forward pass and the printing).
"""

import torch  # noqa: F401  (imported as a user would; torchinfo and torchvision need it)
import torchinfo
import torchvision


def main() -> None:
    model = torchvision.models.resnet152(weights=None)
    stats = torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0)
    print(stats)


if __name__ == "__main__":
    main()
