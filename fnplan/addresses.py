"""Addresses with a target suffix: one copy of a block per provider it is deployed to.

A block deployed to one provider keeps its plain address ("workflow.checkout"); a block
deployed to several gets one copy per provider, the provider's address in brackets after the
block's: "workflow.checkout[aws]", "function.resize[local.b]" (an aliased provider), and a
dedicated copy "workflow.checkout[local.b].function.resize". Dots inside brackets belong to
the provider address, so every split of an address into parts goes through `parts`.
"""

from __future__ import annotations

from collections.abc import Collection

from fnplan.errors import FnplanError, did_you_mean


def with_target(address: str, provider: str) -> str:
    """The address of the copy of block `address` on `provider`: "function.x[local.b]"."""
    return f"{address}[{provider}]"


def parts(address: str) -> list[str]:
    """The dotted parts of an address, a target suffix staying with its block's name:
    "workflow.w[local.b].function.f" -> ["workflow", "w[local.b]", "function", "f"]."""
    found: list[str] = []
    start = depth = 0
    for index, char in enumerate(address):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "." and depth == 0:
            found.append(address[start:index])
            start = index + 1
    found.append(address[start:])
    return found


def split_target(part: str) -> tuple[str, str | None]:
    """A name part and its target: "w[local.b]" -> ("w", "local.b"); "w" -> ("w", None)."""
    if part.endswith("]") and "[" in part:
        name, _, target = part[:-1].partition("[")
        return name, target
    return part, None


def target_of(address: str) -> str | None:
    """The provider a suffixed address is deployed to (the first suffix), else None."""
    for part in parts(address):
        target = split_target(part)[1]
        if target is not None:
            return target
    return None


def without_targets(address: str) -> str:
    """The address with every target suffix removed: the block(s) it is a copy of."""
    return ".".join(split_target(part)[0] for part in parts(address))


def kind_of(address: str) -> str | None:
    """The block kind an address names ("function" for "module.m.function.f[aws]")."""
    found = parts(address)
    return found[-2] if len(found) >= 2 else None


def shorthand(name: str, kind: str) -> str:
    """`checkout` is short for `workflow.checkout` (kind "workflow"), `checkout[local.b]` for
    `workflow.checkout[local.b]`; a dotted address is taken as it is."""
    return name if len(parts(name)) > 1 else f"{kind}.{name}"


def label_of(address: str) -> str:
    """The last block label, without its target: "checkout" for "workflow.checkout[aws]"."""
    return split_target(parts(address)[-1])[0]


def resolve(name: str, known: Collection[str], what: str, *, missing_ok: bool = False) -> str:
    """The address among `known` (deployed addresses of one kind) that `name` means: itself,
    or with one target suffix when exactly one copy exists; with several copies, a
    FnplanError naming them (the user must pick a target). Nothing known by that name is an
    error too, unless `missing_ok` (then `name` itself: it may have been deployed before)."""
    if name in known:
        return name
    copies = sorted(address for address in known if without_targets(address) == name)
    if len(copies) == 1:
        return copies[0]
    if copies:
        raise FnplanError(
            f"{name} is deployed to {len(copies)} targets; name the one you mean",
            allowed=copies,
            hint=f"e.g. {copies[0]}",
        )
    if missing_ok:
        return name
    raise FnplanError(
        f"{name} is not deployed: the state has no such {what}",
        allowed=sorted(known),
        hint=did_you_mean(name, known) or "apply the configuration first: fnplan apply",
    )
