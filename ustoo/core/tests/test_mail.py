"""PlainTextEmail: the message a mail program reads is the one written, in any language."""

import email
import email.policy

import pytest

from ustoo.core.mail import EmlFileBackend, PlainTextEmail

BODY = "Vous avez signé « Rendez le don ».\n\nOuvrez ce lien :\n\nhttps://example.org/c/" + "x" * 120 + "/\n"


def _read(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_text_and_headers_in_any_language_read_back_exactly(settings):
    settings.DEFAULT_FROM_EMAIL = "Pétitions <petitions@example.org>"
    message = PlainTextEmail(
        subject="[ustoo] Confirmez votre signature",
        body=BODY,
        to=["ada@bücher.example"],
        headers={"Auto-Submitted": "auto-generated"},
    )
    read = _read(message.message().as_bytes())
    assert read.get_body(("plain",)).get_content() == BODY
    assert read["Subject"] == "[ustoo] Confirmez votre signature"
    assert read["From"].addresses[0].display_name == "Pétitions"
    assert str(read["To"]) == "ada@xn--bcher-kva.example"
    assert read["Auto-Submitted"] == "auto-generated"
    assert read["Message-ID"] and read["Date"] and read.get_content_charset() == "utf-8"
    # Every line of the written message is 7-bit and short, whatever the text.
    assert all(len(line) <= 78 and line.isascii() for line in message.message().as_string().splitlines())


def test_a_subject_that_is_not_ascii_is_encoded():
    message = PlainTextEmail(subject="Victoire : une campagne a gagné", body="", to=["ada@example.org"])
    raw = message.message().as_bytes()
    assert b"=?utf-8?" in raw
    assert _read(raw)["Subject"] == "Victoire : une campagne a gagné"


@pytest.mark.parametrize(
    ("field", "value"),
    [("subject", "Hello\nBcc: everyone@example.org"), ("to", ["ada@example.org\nBcc: x@example.org"])],
)
def test_line_breaks_cannot_add_headers(field, value):
    fields = {"subject": "Hello", "body": "", "to": ["ada@example.org"], field: value}
    with pytest.raises(ValueError, match="line breaks"):
        PlainTextEmail(**fields).message()


def test_an_address_a_header_cannot_carry_is_refused_without_naming_it():
    with pytest.raises(ValueError) as refused:
        PlainTextEmail(subject="Hello", body="", to=["adà@example.org"]).message()
    assert "adà" not in str(refused.value)


def test_the_eml_backend_writes_it_as_a_file_a_mail_program_opens(tmp_path):
    message = PlainTextEmail(subject="Hello", body=BODY, from_email="a@example.org", to=["b@example.org"])
    assert EmlFileBackend(file_path=str(tmp_path)).send_messages([message]) == 1
    [written] = tmp_path.glob("*.eml")
    assert _read(written.read_bytes()).get_body(("plain",)).get_content() == BODY


def test_long_headers_are_folded_and_read_back_whole():
    subject = "A campaign you signed reached its goal " * 4
    message = PlainTextEmail(subject=subject.strip(), body="Hello", to=["ada@example.org"]).message()
    for written in (message.as_bytes(), message.as_bytes(policy=email.policy.SMTP)):
        assert all(len(line) <= 78 for line in written.splitlines())
        assert _read(written)["Subject"] == subject.strip()
        assert _read(written).get_body(("plain",)).get_content() == "Hello"
