"""Channel slices: a range of a tensor's channels, written alone (`slice 0 64`, PyTorch's
`x[:, 0:64]`) or made by `chunk` and `split`, whose every part is one slice node (`x1, x2: chunk 2`
is PyTorch's `x1, x2 = x.chunk(2, dim=1)`)."""

from __future__ import annotations

from archspec.layers.base import LayerKind, Opt, OptionError, Step

# the options a part of `chunk N` or `split (...)` carries beside its range: the whole split, and its place
PART_OPTIONS = ("chunks", "sizes", "part")


def channel_end(o: dict, channels: int) -> int:
    """Where a slice ends: its `end`, or the input's last channel where it runs to the end (`slice 64`)."""
    return channels if o.get("end") is None else o["end"]


class Slice(LayerKind):
    name = "slice"
    aliases = ("channel_slice",)
    family = "reshape"
    view = True  # PyTorch's slices, chunks and splits are views of the input
    functional = True
    title = "channel slice"
    positional = ("start", "end")
    required = ("start",)
    options = {"start": Opt("int", minimum=0), "end": Opt("int", None, minimum=1)}

    def usage(self) -> str:
        return (
            "write `slice START END` for channels `START` to `END - 1` (`x[:, START:END]`), "
            "or `slice START` for the rest"
        )

    def output_shape(self, o, ins):
        channels = ins[0][0]
        start, end = o["start"], channel_end(o, channels)
        if end > channels:
            raise OptionError(
                f"`{self.describe(o)}` ends past the input's {channels} channels",
                hint=f"the channels are numbered 0 to {channels - 1}: end at {channels} at most",
                option="end",
            )
        if start >= end:
            raise OptionError(
                f"`{self.describe(o)}` is empty: it must start before it ends",
                hint=self.usage(),
                option="start",
            )
        return (end - start, *ins[0][1:])

    def describe(self, o):
        end = "" if o.get("end") is None else o["end"]
        text = f"slice {o['start']}:{end}"
        if o.get("chunks") is not None:
            text += f" (chunk {o['part'] + 1}/{o['chunks']})"
        elif o.get("sizes") is not None:
            text += f" (split {o['part'] + 1}/{len(o['sizes'])})"
        return text

    def formulas(self, o, ins, out):
        channels = ins[0][0]
        start, end = o["start"], channel_end(o, channels)
        place = (start, end - 1)
        if o.get("chunks") is not None:
            step = Step(
                "channels",
                "C",
                "C_in / N",
                f"{channels} / {o['chunks']}",
                out[0],
                "part {0} of {1} equal parts: channels {2} to {3}",
                (o["part"] + 1, o["chunks"], *place),
            )
        elif o.get("sizes") is not None:
            step = Step(
                "channels",
                "C",
                "the part's size",
                str(out[0]),
                out[0],
                "part {0} of the split {1}: channels {2} to {3}",
                (o["part"] + 1, " + ".join(map(str, o["sizes"])), *place),
            )
        elif o.get("end") is None:
            step = Step("channels", "C", "C_in - start", f"{channels} - {start}", out[0], "channels {0} to {1}", place)
        else:
            step = Step("channels", "C", "end - start", f"{end} - {start}", out[0], "channels {0} to {1}", place)
        shape = Step("shape", "shape", "the input's, with C channels", "", out, "a view: no memory of its own")
        return [step, shape]

    def torch_module(self, o, in_shape, inplace=False):
        return None

    def torch_function(self, o, source):
        end = "" if o.get("end") is None else o["end"]
        return f"{source}[:, {o['start']}:{end}]"

    def torch_parts(self, o, source) -> str:
        """The expression giving every part of the `chunk` or `split` this part belongs to."""
        if o.get("chunks") is not None:
            return f"{source}.chunk({o['chunks']}, dim=1)"
        return f"torch.split({source}, [{', '.join(map(str, o['sizes']))}], dim=1)"


def split_notation(o: dict) -> str:
    """The `chunk` or `split` a part belongs to, as the spec writes it: `chunk 2`, `split (256, 32)`."""
    if o.get("chunks") is not None:
        return f"chunk {o['chunks']}"
    return f"split ({', '.join(map(str, o['sizes']))})"


def part_options(start: int, end: int, part: int, chunks: int | None = None, sizes: tuple[int, ...] = ()) -> dict:
    """The options of one part of `chunk N` (`chunks`) or `split (...)` (`sizes`): its channels and its place."""
    return {"start": start, "end": end, "chunks": chunks, "sizes": sizes or None, "part": part}


KINDS = [Slice()]
