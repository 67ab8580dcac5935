"""Signers' e-mail addresses: the one normalised form used to count one signature per person, its
keyed hash, and whether it is at a throwaway domain.

The normalisation rule, applied in this order:

1. Surrounding spaces go; the domain is case-folded and turned into its IDNA (ASCII) form; the
   local part is case-folded too (no mainstream provider gives ``Ann`` and ``ann`` different boxes).
2. ``googlemail.com`` is ``gmail.com``.
3. For providers that deliver ``name+anything`` to ``name`` (Gmail, Outlook/Hotmail/Live/MSN,
   iCloud, Fastmail, Proton, Yandex, Tutanota, Zoho, GMX...) the ``+tag`` is removed.
4. For Gmail only, dots in the local part are removed (Gmail ignores them; other providers do not).

Elsewhere a ``+`` may be part of a real, distinct address, so it stays. Only a keyed hash of the
normalised form is kept for uniqueness (it outlives the address itself, which is anonymised later);
without the server's key it cannot be checked against a list of addresses."""

import contextlib

from disposable_email_domains import blocklist

from ustoo.core import keys

GMAIL = "gmail.com"
DOMAIN_ALIASES = {"googlemail.com": GMAIL}
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "outlook.fr",
        "outlook.de",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "hotmail.es",
        "live.com",
        "live.co.uk",
        "live.fr",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "protonmail.com",
        "protonmail.ch",
        "proton.me",
        "pm.me",
        "yandex.com",
        "yandex.ru",
        "tutanota.com",
        "tuta.io",
        "zoho.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "posteo.de",
        "mailbox.org",
    }
)


def split(address: str) -> tuple[str, str]:
    local, _, domain = address.strip().rpartition("@")
    return local, domain


def domain_of(address: str) -> str:
    domain = split(address)[1].strip().rstrip(".").casefold()
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return DOMAIN_ALIASES.get(domain, domain)


def normalise(address: str) -> str:
    """The form two addresses share when they reach the same inbox (see the module's rule)."""
    local, _ = split(address)
    local = local.casefold()
    domain = domain_of(address)
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain == GMAIL:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def address_hash(address: str) -> str:
    """Keyed hash of the normalised address: what uniqueness is checked on."""
    return keys.keyed_hash("campaign-signer", normalise(address)).hex()


def is_disposable(address: str) -> bool:
    """Whether the address is at a known throwaway domain (the disposable-email-domains list), or
    any subdomain of one."""
    labels = domain_of(address).split(".")
    return any(".".join(labels[index:]) in blocklist for index in range(len(labels) - 1))
