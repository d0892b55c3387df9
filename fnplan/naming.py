"""Physical names: the one way every provider derives a cloud name from an fnplan address.

Clouds restrict names (Lambda: 64 characters of [A-Za-z0-9-_]; Kubernetes: DNS-1035 labels of
63 lowercase characters), and addresses do not fit them ("module.shop.function.resize_image").
Normalising and truncating alone would let two addresses meet on one name, so every name ends
with a short hash of the exact address: the same address always gives the same name, and two
different addresses never share one.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field

#: characters of the hash that ends every name (base32, lowercase: 40 bits)
HASH_LENGTH = 8


@dataclass(frozen=True, slots=True)
class NameRule:
    """A platform's alphabet and length for one kind of name.

    allowed        the allowed characters, as the inside of a regular expression class
    lowercase      upper-case letters are folded (DNS labels)
    start_letter   the name must start with a letter (DNS-1035)
    separator      what replaces each run of other characters; must itself be allowed
    """

    max_length: int
    allowed: str
    lowercase: bool = False
    start_letter: bool = False
    separator: str = "-"
    _invalid: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _valid: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # a rule too short for a separator, a letter and the hash is a provider bug
        if self.max_length < HASH_LENGTH + 2:
            raise ValueError(f"a name rule needs at least {HASH_LENGTH + 2} characters")
        if not re.fullmatch(f"[{self.allowed}]", self.separator):
            raise ValueError(f"separator {self.separator!r} is not in [{self.allowed}]")
        first = "[a-z]" if self.start_letter and self.lowercase else "[A-Za-z]"
        head = first if self.start_letter else f"[{self.allowed}]"
        object.__setattr__(self, "_invalid", re.compile(f"[^{self.allowed}]+"))
        object.__setattr__(
            self,
            "_valid",
            re.compile(f"{head}[{self.allowed}]{{0,{self.max_length - 1}}}"),
        )

    def is_valid(self, name: str) -> bool:
        """Whether `name` is a name this platform accepts (alphabet, length, first letter)."""
        return self._valid.fullmatch(name) is not None

    def normalise(self, text: str) -> str:
        """`text` in this alphabet: each run of other characters becomes one separator, and
        no separator starts or ends it."""
        sep = self.separator
        text = self._invalid.sub(sep, text.lower() if self.lowercase else text)
        return re.sub(f"{re.escape(sep)}+", sep, text).strip(sep)


#: AWS Lambda function names
LAMBDA_FUNCTION = NameRule(64, "A-Za-z0-9_-")
#: AWS Step Functions state machine names
STATE_MACHINE = NameRule(80, "A-Za-z0-9_-")
#: AWS IAM role names
IAM_ROLE = NameRule(64, "A-Za-z0-9_+=,.@-")
#: Kubernetes DNS-1035 labels: Knative services, Argo workflow templates, namespaces
DNS_1035_LABEL = NameRule(63, "a-z0-9-", lowercase=True, start_letter=True)


def physical_name(address: str, rule: NameRule, *, prefix: str = "") -> str:
    """The cloud name of `address` under `rule`: "<prefix>-<address, normalised>-<hash>".

    The address part is cut short when the whole would not fit; the hash (of prefix and
    address exactly as given) keeps names of different addresses apart.
    """
    source = f"{prefix}{rule.separator}{address}" if prefix else address
    suffix = _digest(source)
    sep = rule.separator
    body = rule.normalise(source)
    if rule.start_letter and not body[:1].isalpha():
        body = f"x{sep}{body}".rstrip(sep)
    room = rule.max_length - len(sep) - len(suffix)
    body = body[:room].rstrip(sep)
    return f"{body}{sep}{suffix}" if body else suffix


def _digest(text: str) -> str:
    """HASH_LENGTH lowercase base32 characters of sha256(text): stable across processes."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:HASH_LENGTH]
