"""The layout of generated source: statements that fit a line of MAX_LINE characters, as ruff
formats them, and repeated constructor arguments written once."""

from __future__ import annotations

MAX_LINE = 120


def _collapse_repeats(args: list[str], indent: int = 0) -> list[str]:
    """`Bottleneck(256, width=64), Bottleneck(256, width=64)` -> `*(Bottleneck(256, width=64) for _ in range(2))`,
    on lines of their own where that is too long at `indent` (the arguments' indentation), as ruff writes it."""
    out, i = [], 0
    while i < len(args):
        j = i
        while j + 1 < len(args) and args[j + 1] == args[i]:
            j += 1
        count = j - i + 1
        repeated = f"*({args[i]} for _ in range({count}))"
        if count > 2 and (indent + len(repeated) + 1 > MAX_LINE or "\n" in repeated):
            inner = args[i].replace("\n", "\n    ")
            pad = " " * indent
            repeated = f"*(\n{pad}    {inner}\n{pad}    for _ in range({count})\n{pad})"
        out.append(repeated if count > 2 else args[i])
        if count == 2:
            out.append(args[i])
        i = j + 1
    return out


def _wrap(opening: str, items: list[str], closing: str, indent: int, start: int) -> str:
    """On one line where it fits (with room for a closing `)` or `,`), else one item a line."""
    one_line = opening + ", ".join(items) + closing
    if start + len(one_line) <= MAX_LINE - 2 and "\n" not in one_line:
        return one_line
    pad = " " * (indent + 4)
    return opening + "\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + closing


def _split_items(text: str) -> list[str]:
    """The items of a comma-separated list, split at the commas outside brackets and strings."""
    items, depth, quote, start = [], 0, None, 0
    for k, ch in enumerate(text):
        if quote:
            quote = None if ch == quote and text[k - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:k].strip())
            start = k + 1
    items.append(text[start:].strip())
    return [item for item in items if item]


def _fit(line: str, width: int = MAX_LINE) -> str:
    """A statement longer than `width` that ends with a call or a list, its arguments one a line
    (a list among them split the same way where it is still too long): `a, b = torch.split(` ...
    `)`. Other lines are left as they are."""
    if len(line) <= width or "\n" in line or line[-1:] not in ")]":
        return line
    depth = 0
    for k in range(len(line) - 1, -1, -1):  # the bracket the last one closes
        if line[k] in ")]}":
            depth += 1
        elif line[k] in "([{":
            depth -= 1
            if depth == 0:
                break
    if depth or k == 0:
        return line
    indent = len(line) - len(line.lstrip(" "))
    if len(line[: k + 1]) > width and " = " in line[:k]:  # `a, b, c = (` ... `)`, as ruff formats it
        target, value = line[indent:].split(" = ", 1)
        inner = _fit(" " * (indent + 4) + value, width)
        return f"{' ' * indent}{target} = (\n{inner}\n{' ' * indent})"
    items = [_fit(" " * (indent + 4) + item, width - 1).lstrip(" ") for item in _split_items(line[k + 1 : -1])]
    return " " * indent + _wrap(line[indent : k + 1], items, line[-1], indent, indent)
