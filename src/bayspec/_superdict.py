"""An ordered mapping that can also be indexed by 1-based position (XSPEC's numbering)."""

from __future__ import annotations

from collections import OrderedDict


class SuperDict(OrderedDict):
    """``OrderedDict`` whose items are also reachable as ``d[1]``, ``d[2]``, ...

    Positions are 1-based, as XSPEC numbers parameters. String keys behave as usual; a
    missing key raises ``KeyError`` naming the known keys.
    """

    def __getitem__(self, key):
        if isinstance(key, int) and not isinstance(key, bool):
            n = len(self)
            if not 1 <= key <= n:
                raise IndexError(f"position {key} out of range 1..{n}")
            return list(self.values())[key - 1]
        try:
            return super().__getitem__(key)
        except KeyError:
            raise KeyError(f"{key!r} not found; known: {', '.join(map(str, self.keys()))}") from None
