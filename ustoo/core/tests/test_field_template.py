"""_field.html, the way every form shows a field: its help and its errors are tied to the input, so a
screen reader reads them with it."""

import re

from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    email = forms.EmailField(label="E-mail", help_text="We send one link.")
    country = forms.ChoiceField(label="Country", choices=[("GB", "United Kingdom")])
    agree = forms.BooleanField(label="I agree", required=True, help_text="You can change your mind.")
    size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)


def _fields(form: forms.Form) -> str:
    return "".join(render_to_string("_field.html", {"field": field}) for field in form)


def test_each_id_a_field_is_described_by_is_on_the_page():
    form = Example({"email": "not an address", "country": "XX"})
    assert not form.is_valid()
    html = _fields(form)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert len(described) == 4  # each field names its help or its errors (the radios' group, here)
    for names in described:
        assert set(names.split()) <= ids, names


def test_the_error_and_the_help_are_the_texts_named():
    form = Example({"email": "not an address"})
    form.is_valid()
    html = _fields(form)
    help_text = re.search(r'<span class="helptext" id="id_email_helptext">([^<]+)</span>', html)
    error = re.search(
        r'<p class="error-message" id="id_email_error">'
        r'<span class="visually-hidden">Error:</span> ([^<]+)</p>',
        html,
    )
    assert help_text and help_text.group(1) == "We send one link."
    assert error and error.group(1) == "Enter a valid email address."
    # Label, hint, error, then the control: each is met before the box it is about.
    assert html.index('for="id_email"') < html.index("id_email_helptext") < html.index('id_email_error"')
    assert html.index('id_email_error"') < html.index('<input type="email"')
    assert 'aria-describedby="id_email_helptext id_email_error"' in html


def test_a_group_of_choices_is_a_fieldset_its_legend_the_question():
    form = Example({"email": "a@example.org", "country": "GB", "agree": "on"})
    form.is_valid()
    html = render_to_string("_field.html", {"field": form["size"]})
    group = re.search(
        r'<fieldset class="field choice-group field--error" id="field-size" '
        r'aria-describedby="id_size_error">',
        html,
    )
    assert group, html
    assert re.search(r"<legend[^>]*>Size</legend>", html)
    assert html.count('type="radio"') == 2 and html.rstrip().endswith("</fieldset>")


def test_the_error_summary_names_each_problem_and_links_to_its_field():
    form = Example({"email": "not an address", "country": "XX"})
    form.is_valid()
    html = render_to_string("_error_summary.html", {"form": form})
    assert 'role="alert"' in html and "autofocus" in html and "There is a problem" in html
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html)
    assert ("id_email", "Enter a valid email address.") in links
    assert ("id_size_0", "This field is required.") in links  # a group: its first choice
    assert [target for target, _text in links] == ["id_email", "id_country", "id_agree", "id_size_0"]
    # Every link leads to a control the page renders.
    page = _fields(form)
    for target, _text in links:
        assert f'id="{target}"' in page, target


def test_no_summary_without_errors():
    form = Example({"email": "a@example.org", "country": "GB", "agree": "on", "size": "s"})
    assert form.is_valid()
    assert render_to_string("_error_summary.html", {"form": form}).strip() == ""
