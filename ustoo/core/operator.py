"""Who runs this site and on what legal basis, from the settings the operator fills in
(USTOO_OPERATOR_NAME and the others in .env.example): the privacy notice shows them, the contact form
sends to the operator's address, and `ustoo check --deploy` names what is still empty."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The bases an operator can name by a word; anything else is the operator's own sentence.
LEGAL_BASES = {
    "consent": _(
        "Your consent. You choose what to say and share here, and you can take it back at any time by "
        "deleting it. Details about sexual violence are among the most sensitive there are: you give "
        "them only if you choose to, and by sending them you agree that this site keeps them for you."
    ),
    "legitimate-interests": _(
        "Our legitimate interest in running a safe place where people can say “me too” and be counted, "
        "weighed against your rights and freedoms. For the details you choose to share about what "
        "happened, which are especially sensitive, your explicit consent when you send them."
    ),
}

# What the deploy check asks for: enough for a person to know who keeps their data and why.
REQUIRED = {
    "OPERATOR_NAME": "USTOO_OPERATOR_NAME",
    "OPERATOR_EMAIL": "USTOO_OPERATOR_EMAIL",
    "PRIVACY_LEGAL_BASIS": "USTOO_PRIVACY_LEGAL_BASIS",
    "JURISDICTION": "USTOO_JURISDICTION",
}


@dataclass(frozen=True)
class Operator:
    name: str
    email: str
    address: str
    data_protection_contact: str
    legal_basis: str
    jurisdiction: str

    @classmethod
    def from_settings(cls) -> "Operator":
        return cls(
            name=settings.OPERATOR_NAME.strip(),
            email=settings.OPERATOR_EMAIL.strip(),
            address=settings.OPERATOR_ADDRESS.strip(),
            data_protection_contact=settings.DATA_PROTECTION_CONTACT.strip(),
            legal_basis=settings.PRIVACY_LEGAL_BASIS.strip(),
            jurisdiction=settings.JURISDICTION.strip(),
        )

    @property
    def missing_variables(self) -> list[str]:
        """The environment variables of REQUIRED that are still empty."""
        return [variable for name, variable in REQUIRED.items() if not getattr(settings, name).strip()]

    @property
    def is_complete(self) -> bool:
        return not self.missing_variables

    @property
    def legal_basis_text(self) -> str:
        """The basis in the reader's language when named by a word; the operator's sentence as written."""
        return str(LEGAL_BASES.get(self.legal_basis.casefold(), self.legal_basis))
