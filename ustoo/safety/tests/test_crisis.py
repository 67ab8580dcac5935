"""Crisis screening reads self-harm and immediate danger in English, French and Spanish, and not idioms."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ustoo.safety import crisis
from ustoo.safety.crisis import DangerSignal, danger_signals, normalise, signals_danger


@pytest.mark.parametrize(
    "text",
    [
        # English, self-harm
        "I want to die.",
        "Some days I just WANT TO DIE",
        "After that night I wanted to die.",
        "I'm going to kill myself",
        "I want to end it all",
        "I've been thinking about suicide",
        "I don't want to live anymore",
        "I can't go on like this",
        "I have been cutting myself again",
        "everyone would be better off without me",
        "I keep thinking about self-harm",
        "thoughts of self harm",
        # English, immediate danger
        "He is outside my door right now",
        "he's outside my door",
        "He’s outside my house",
        "I'm not safe right now",
        "I’m not safe",
        "Im not safe at home",
        "I am in danger, please help me",
        "He is going to kill me",
        "she's gonna kill me",
        "he has a gun",
        "he won't let me leave",
        # French
        "Je veux mourir.",
        "j'ai envie de mourir",
        "J’ai envie de me suicider",
        "je vais me suicider ce soir",
        "Je veux en finir.",
        "je n'en peux plus",
        "je ne veux plus vivre",
        "Il est devant ma porte",
        "il est DEVANT MA PORTE !",
        "je ne suis pas en sécurité",
        "Je ne suis pas en securite chez moi",
        "il va me tuer",
        "au secours",
        # Spanish
        "Quiero morir",
        "quiero morirme",
        "Estoy pensando en suicidarme",
        "voy a quitarme la vida",
        "ya no puedo más",
        "No estoy a salvo",
        "él está afuera de mi casa",
        "me va a matar",
        "tengo miedo por mi vida",
        "Estoy en peligro, ayúdenme",
    ],
)
def test_danger_is_signalled(text):
    assert signals_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "It happened at work, more than once. #MeToo",
        "This chocolate cake is to die for.",
        "You're killing it at work!",
        "I'm dying to see you again.",
        "I nearly killed myself laughing.",
        "I could kill myself laughing at that show",
        "My mom will kill me if I'm late.",
        "I cut myself off from those friends.",
        "He is following me on Instagram.",
        "The deadline is killing me.",
        "I told HR. Nothing happened. I left in 2019.",
        "I feel safe now, years later.",
        "Pour en finir avec le harcèlement, il faut parler.",
        "J'étais morte de rire.",
        "il me suit sur Instagram",
        "Je me suis sentie seule, puis j'ai parlé.",
        "Me muero de risa con ese video.",
        "Voy a cortarme el pelo mañana.",
        "No estoy segura de la fecha exacta.",
        "Me sentí sola, pero hablé con mi hermana.",
        "She's a killer dancer. Dead tired after.",
    ],
)
def test_ordinary_text_and_idioms_are_not_danger(text):
    assert not signals_danger(text), danger_signals(text)


def test_the_signal_says_which_phrase_language_and_kind():
    assert danger_signals("Je veux mourir.") == [DangerSignal("je veux mourir", "fr", "self_harm")]
    assert danger_signals("No estoy a salvo") == [DangerSignal("no estoy a salvo", "es", "danger")]
    kinds = {s.kind for s in danger_signals("I want to die. He is outside my door.")}
    assert kinds == {"self_harm", "danger"}


def test_each_phrase_is_reported_once_in_order():
    signals = danger_signals("I want to die. I want to die. I'm not safe.")
    assert [s.phrase for s in signals] == ["want to die", "im not safe"]


def test_phrases_only_match_whole_words():
    assert not signals_danger("unsuicidal-ish")  # "suicidal" inside a longer word
    assert not signals_danger("the suicidesquad fan page")
    assert signals_danger("(suicidal)")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("I’M  NOT\u00a0SAFE", "im not safe"),
        ("J'ai Envie de MOURIR", "jai envie de mourir"),
        ("Ya no puedo más", "ya no puedo mas"),
        ("self‑harm", "self harm"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
        ("Straße", "strasse"),
    ],
)
def test_normalisation(raw, normal):
    assert normalise(raw) == normal


def test_the_data_file_parses_into_every_interface_language_and_both_kinds():
    phrases = crisis._phrases()
    languages = {"en", "fr", "es", "it", "ar", "hi", "zh"}
    assert {s.language for s in phrases.signals.values()} == languages
    assert {(s.language, s.kind) for s in phrases.signals.values()} == {
        (language, kind) for language in languages for kind in ("self_harm", "danger")
    }
    assert phrases.exceptions
    # Phrases are stored normalised, so a hand-written accent or apostrophe in the file cannot fail to match.
    assert all(phrase == normalise(phrase) for phrase in phrases.signals)


def test_a_phrase_list_can_be_extended_with_sections_and_exceptions():
    parsed = crisis._parse(
        [
            "# any comment",
            "# de self_harm",
            "ich will sterben",
            "! ich will sterben vor lachen",
            "",
            "# de danger",
            "Er steht vor meiner Tür",
        ]
    )
    assert parsed.signals["ich will sterben"] == DangerSignal("ich will sterben", "de", "self_harm")
    assert parsed.signals["er steht vor meiner tur"].kind == "danger"
    assert any(pattern.search("ich will sterben vor lachen") for pattern in parsed.exceptions)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_screened_without_error(text):
    assert signals_danger(text) == bool(danger_signals(text))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Ll", "Lu", "Zs", "Po"]), max_size=60))
def test_a_danger_phrase_is_found_wherever_it_sits(padding):
    text = f"{padding} I want to die {padding}"
    assert signals_danger(text)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Non ce la faccio più, voglio morire", "voglio morire"),
        ("è sotto casa mia adesso e ho paura", "e sotto casa mia"),
        # With or without short vowels and hamza seats, Arabic reads alike.
        ("أُرِيدُ أَنْ أَمُوتَ", "اريد ان اموت"),
        ("اريد ان اموت", "اريد ان اموت"),
        ("بدي موت، ما عاد فيي", "بدي موت"),
        ("هو واقف عند الباب الآن", "عند الباب"),
        ("मैं मरना चाहती हूं", "मरना चाहती"),
        ("वो मुझे मार डालेगा", "मुझे मार डालेगा"),
        # Chinese phrases sit inside words: there are no spaces to find them by.
        ("我真的想死了", "想死"),
        ("他每天都打我", "打我"),
        ("我一直在想自杀", "想自杀"),
    ],
)
def test_phrases_in_the_new_languages_are_found(text, phrase):
    assert phrase in [signal.phrase for signal in danger_signals(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Ho riso così tanto, morto dal ridere",
        "Mi segue su Instagram",
        "كنت أموت من الضحك",
        "वह मरीज़ है",  # "मर" with a vowel sign is another word
        "好想死你了",  # "I miss you to death"
        "他打我电话了",  # "he rang me"
        "这是关于预防自杀的文章",  # an article about preventing suicide
    ],
)
def test_idioms_in_the_new_languages_are_not_danger(text):
    assert danger_signals(text) == []


def test_a_devanagari_vowel_sign_belongs_to_its_word():
    parsed = crisis._parse(["# hi danger", "मर"])
    assert not any(pattern.search(normalise("मरी")) for pattern in parsed.patterns)
    assert any(pattern.search(normalise("वह मर गया")) for pattern in parsed.patterns)
