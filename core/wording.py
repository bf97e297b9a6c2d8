"""Counts in sentences, written once for core and ui: "1 order", "12 orders", "1 policy", "2 policies", never
"order(s)". (Sentences written by SQL, as refusals of stored functions, change with their function's migration.)"""


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun: the noun for one, else ``plural`` (by default the noun and an s); thousands grouped."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"
