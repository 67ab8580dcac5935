"""Naming guard: find text that names or identifies a person, or carries contact details, offline.

Before a story is submitted, the author is warned when it names someone or carries contact details, and is
offered one-click redaction. Everything here is pure Python and works without a network:

* e-mail addresses, including the ``name [at] host [dot] org`` disguise;
* phone numbers from any country (``phonenumbers``): ``+...`` international numbers, plus national formats of
  a few likely regions (``DEFAULT_REGIONS`` or the caller's ``regions``), also behind a stray "+" ("+0..." is
  no international number, but a reader could still dial what follows). Years, dates, prices and counts such
  as "2017" or "12 million" are not numbers a phone could be called on and are not reported;
* @handles (``@someone``, fediverse ``@someone@host.social``), never the "@" inside an e-mail address;
* profile URLs of the common social networks (Facebook, Instagram, X/Twitter, TikTok, LinkedIn, YouTube,
  Reddit, Threads, Bluesky, Snapchat, Telegram, Twitch) with or without a scheme, and any Mastodon-like
  ``host/@user``;
* personal names, from the ~40,000 first names of many countries shipped by ``gender-guesser``: a capitalised
  known first name followed by one or two capitalised words ("Sarah Connor"), a title and a capitalised word
  ("Mr Smith", "Dr. Ahmed Khan", "Mme Dupont", "Sra. López"), and a known first name on its own ("then Sarah
  said") unless it is also a common English, French or Spanish word ("Will", "May", "Grace", "Rose", "Paz"…).

Known limits, by design of a word-list detector: names in non-Latin scripts (Arabic, Cyrillic, CJK,
Devanagari…) are out of scope, as are names written in lower case or ALL CAPS, surnames alone ("Smith said"),
nicknames and lines in Title Case (where capitals say nothing); a first name that is also a common word is
only found with a capitalised word after it ("Will Turner", and so also "Will Power"); a place that is also a
first name is skipped after a place preposition or at a sentence start ("in Jordan", "Jordan said") and found
elsewhere ("I told Jordan"); a long reference number can read as a phone number. The guard errs towards
warning: a false warning costs the author a click, a missed name can cost them much more.

Phone parsing only runs on digit runs that could be a number (cached per run), so prose costs a few regex
passes and a dictionary lookup per capitalised word; the name index is built once per process.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from gender_guesser.detector import Detector

__all__ = [
    "CONTACT_PLACEHOLDER",
    "DEFAULT_REGIONS",
    "NAME_PLACEHOLDER",
    "Finding",
    "find_identifiers",
    "identifies_someone",
    "redact",
]

Kind = Literal["email", "phone", "handle", "profile_url", "name"]

# Contacts get a sibling wording to names, so readers see that something was there.
NAME_PLACEHOLDER = "[name removed]"
CONTACT_PLACEHOLDER = "[contact removed]"

# Where ustoo's survivors most often write from; a national number only parses against its own country's plan.
DEFAULT_REGIONS: tuple[str, ...] = ("US", "GB", "FR", "CA", "IN", "PK", "AU", "ES", "MX", "IT", "DE", "BR")


@dataclass(frozen=True, slots=True)
class Finding:
    """One identifying span of the text: ``text == source[start:end]`` (Python str indices)."""

    kind: Kind
    start: int
    end: int
    text: str


# --- contacts -------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
# "jane [at] example [dot] org": a common disguise that still reaches the person.
_EMAIL_DISGUISED_RE = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+\s*[\[({]\s*(?:at|arobase|arroba)\s*[\])}]\s*[\w-]+"
    r"(?:\s*(?:\.|[\[({]\s*(?:dot|point|punto)\s*[\])}])\s*[\w-]+)+",
    re.IGNORECASE,
)
# A handle is "@" not glued to a word, a dot, a slash or another "@" (that would be an e-mail or a URL),
# with what is glued on after it by further "@"s: a fediverse host ("@someone@host.social"), or more handles
# ("@one@two@three"), which would otherwise come to light one a pass as redaction removed the one before.
_HANDLE_RE = re.compile(r"(?<!\w)@\w(?:[\w.-]*\w)?(?:@\w(?:[\w.-]*\w)?)*")
# "@3pm", "@ 10h30": a time, not an account.
_TIME_RE = re.compile(r"@\d{1,2}(?:[:.h]\d{2})?(?:am|pm|h)?", re.IGNORECASE)

_PROFILE_PATHS = (
    r"(?:facebook|fb)\.com/",
    r"instagram\.com/",
    r"(?:twitter|x)\.com/",
    r"tiktok\.com/@",
    r"linkedin\.com/in/",
    r"youtube\.com/(?:@|c/|channel/|user/)",
    r"reddit\.com/(?:u|user)/",
    r"threads\.(?:net|com)/@",
    r"bsky\.app/profile/",
    r"snapchat\.com/add/",
    r"t\.me/",
    r"twitch\.tv/",
)
# The left guard keeps "fox.com/..." from reading as "x.com/..."; the path must start with a word character,
# so a bare "facebook.com/" (the site, not a person) is not reported.
_PROFILE_RE = re.compile(
    r"(?<![\w.@-])(?:https?://)?(?:[\w-]+\.)?(?:"
    + "|".join(_PROFILE_PATHS)
    + r")[\w.%-]*\w[^\s<>\"'\[\]{}]*",
    re.IGNORECASE,
)
# Mastodon and friends: any host with a "/@user" path.
_FEDIVERSE_URL_RE = re.compile(
    r"(?<![\w.@-])(?:https?://)?(?:[\w-]+\.)+[^\W\d_]{2,}/@\w[\w.-]*(?:@[\w-]+(?:\.[\w-]+)+)?", re.IGNORECASE
)
_URL_TAIL = ".,;:!?)]}'\"’”»"

# A run of digits and the separators phone numbers are written with; only these are handed to phonenumbers.
_PHONE_CANDIDATE_RE = re.compile(r"\+?\(?\d[\d\s().\-‐–/]{4,28}\d")


def _emails(text: str) -> Iterable[Finding]:
    for pattern in (_EMAIL_RE, _EMAIL_DISGUISED_RE):
        for m in pattern.finditer(text):
            yield Finding("email", m.start(), m.end(), m.group())


def _handles(text: str) -> Iterable[Finding]:
    for m in _HANDLE_RE.finditer(text):
        if not _TIME_RE.fullmatch(m.group()):
            yield Finding("handle", m.start(), m.end(), m.group())


def _profile_urls(text: str) -> Iterable[Finding]:
    for pattern in (_PROFILE_RE, _FEDIVERSE_URL_RE):
        for m in pattern.finditer(text):
            url = m.group().rstrip(_URL_TAIL)
            yield Finding("profile_url", m.start(), m.start() + len(url), url)


def _phones(text: str, regions: Sequence[str]) -> Iterable[Finding]:
    # "ZZ" (unknown region) still finds every "+..." international number; the regions add national formats.
    tried = tuple(dict.fromkeys(("ZZ", *(r.upper() for r in regions if r))))
    for candidate in _PHONE_CANDIDATE_RE.finditer(text):
        for start, end in _phone_spans(candidate.group(), tried):
            span = (candidate.start() + start, candidate.start() + end)
            yield Finding("phone", span[0], span[1], text[span[0] : span[1]])


@functools.lru_cache(maxsize=4096)
def _phone_spans(chunk: str, regions: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Spans of valid phone numbers in one digit run; cached, as a story tends to repeat its numbers."""
    digits = sum(c.isdigit() for c in chunk)
    if digits < 7 or digits > 17:  # shorter is a count or a year; longer is no phone plan's number
        return ()
    spans = _valid_numbers(chunk, regions, digits)
    if not spans and chunk.startswith("+"):
        # No international number ("+0..." is none), but the digits after the sign may still be a
        # national one, which a reader could dial: "+01011 100000" holds "01011 100000".
        spans = [(start + 1, end + 1) for start, end in _valid_numbers(chunk[1:], regions, digits)]
    return tuple(spans)


def _valid_numbers(chunk: str, regions: tuple[str, ...], digits: int) -> list[tuple[int, int]]:
    spans: dict[tuple[int, int], None] = {}
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(chunk, region, leniency=phonenumbers.Leniency.VALID):
            spans[(match.start, match.end)] = None
        covered = sum(c.isdigit() for start, end in spans for c in chunk[start:end])
        if covered >= digits:  # every digit is in a number already: the other regions cannot add one
            break
    return list(spans)


# --- names ----------------------------------------------------------------------------------------------


def _words(block: str) -> frozenset[str]:
    # Word lists read best as prose-like blocks; one place splits them.
    return frozenset(block.split())


# First names that are also everyday English, French or Spanish words (and weekdays, months, faith words):
# alone, they are far more often the word than the person. Lower case; compared with the token's lower case.
_COMMON_WORDS = _words(
    """
    a an the in to on be are can will one so may non than you do don here done just even long way take
    go made me my he his him said man men son boy oh ok okay hi hey ha ah uh yo ye mine love sad free
    fine deep rich odd red gray grey sun moon rain night door floor job lot age art bill mark marks pat
    hope june august april march ruby grace joy summer spring autumn winter dawn rose violet amber
    crystal jade candy honor honour liberty patience innocent noble hero prince princess king queen
    judge price major general soon tell side save win won per due five nine chance hang ran tiny carry
    till lie lies tie fair flip thin novel arise ear greet fried pie sue ate kick lean sage buddy bunny
    brain brand dare harm hat pan fan gun rip mile easter drew robin eve desire forest ice herb mate
    fairy ferry blossom alien bee toe clay slim wing german thai lil ram vital sunny holly angel
    christian justice faith merry happy lucky young rob guy jack art cash penny sky star storm river
    heather iris daisy lily poppy ivy hazel pearl ginger olive cherry honey baby sweet sugar dear
    darling bliss glory gloria mercy charity unity trinity destiny harmony serenity true truth tuesday
    jesus christ god allah lord saint santa noel christmas bible church amen monday wednesday thursday
    friday saturday sunday january february july september october november december de les des un une
    que du en le la ou il ce mais qu ci elle qui si mar mai lien bas lun jeu ans mon cas se ni bien pu
    avril aide pomme clair je sa marques belle bonne bon reine perle aurore ange fleur marine blanche
    constance prudence victoire victoria pierre rené aimé désiré dieu el una del este con ha tiene su al
    esta pero haya uno lo ya sido día dia son sin han mayo julio tu ruta hay era dato mi solo segundo
    latino bruto zona domingo jue ene jun valida dado hacer marca nada claro anda mal suma alta siete
    esa ella sol paz luz cruz flor feliz fe cielo mar alegría alegria consuelo socorro esperanza amparo
    soledad dolores pilar rosario milagros reyes santos angeles ángeles blanca bella linda nina salvador
    """
)

# Capitalised words that end a "Firstname Lastname" reading: "Victoria Station" is a place, "May God" a
# prayer.
_NOT_SURNAME = _COMMON_WORDS | _words(
    """
    street st road rd avenue ave lane drive boulevard square place station park hospital clinic
    university college school academy church cathedral mosque temple synagogue day night airport hotel
    center centre mall bridge hall court house building tower company inc ltd bank river lake mountain
    island beach valley county city town village state police army navy club bar cafe café restaurant
    market store shop museum theatre theater stadium line metro subway bus train road god lord allah
    jesus christ i you he she it we they me him her us them my his its our your their the a an and or
    but of in on at to for with from by as is was be are were has had have not no yes so if then when
    while after before because this that these those there here what who why how le la les un une des et
    ou mais de du au aux en dans sur pour par avec je tu il elle nous vous ils elles el los las unos
    unas y o pero del al con por para yo ella nosotros ustedes ellos ellas
    """
)

# Words after which a capitalised word is a role or a thing, not a first name: "the Major", "my Angel".
_DETERMINERS = _words(
    """
    the a an this that these those my your his her our their its le la les un une ce cette ces mon ma
    mes ton ta tes son sa ses notre votre leur leurs el los las una unos unas este esta estos estas ese
    esa mi mis tu tus su sus nuestro nuestra
    """
)

# Places that are also first names, and the prepositions that make them read as places ("in Jordan").
_PLACE_NAMES = _words(
    """
    paris london sydney jordan georgia florence austin houston dallas charlotte madison chelsea savannah
    virginia carolina india israel kenya chad france lima roma phoenix orlando adelaide regina santiago
    camden brooklyn denver tyler lincoln jackson kennedy america alexandria beverly sharon milan lille
    valencia sierra washington victoria florida montana dakota nevada asia africa europe china japan
    """
)
_PLACE_PREPOSITIONS = _words(
    "in at from to near into toward towards via across à au aux en de depuis vers dans desde hacia cerca"
)

# Particles inside a full name: "Ludwig van Beethoven", "María de la Cruz", "Omar bin Laden".
_PARTICLES = _words("van von der den de del della di da dos das du la le bin ibn al el ter")

_TITLE_RE = re.compile(
    # "M." is "Monsieur" unless it ends an abbreviation ("P.M."); the other titles only need a word start.
    r"(?:(?<![\w.])M\.|(?<!\w)(?:"
    r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mme|Mmes|Mlle|Mlles|Sr|Sra|Srta|Dra|Rev|Fr|Pr)\.?"
    r"|Sir|Dame|Lady|Lord|Monsieur|Madame|Mademoiselle|Señor|Señora|Señorita|Doña|Don|Professor|Professeur"
    r"|Docteur|Doctor|Doctora|Maître|Maitre|Coach|Pastor|Father|Sister|Brother|Imam|Rabbi|Officer|Sergeant"
    r"|Sgt\.?|Capt\.?|Captain|Judge|Senator|Mayor"
    r"))[ \t]+"
)
# A word: letters with inner apostrophes or hyphens ("O'Brien", "Jean-Pierre"); digits and "_" are not
# letters.
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# What ends a sentence, a line or a quotation: the next word's capital says nothing about it being a name.
_SENTENCE_END_RE = re.compile(r'[.!?…:;\n•·|»«"“”]')
_ELISION_RE = re.compile(r"^[dlcjmnst]['’](?=[^\W\d_])|^qu['’](?=[^\W\d_])", re.IGNORECASE)
# A suffix set off from a name by an apostrophe, as Turkish writes them ("Ayşe'nin", "Ahmet'e"): the name
# is the part before it. "O'Brien" stays whole: its first part is no first name.
_NAME_SUFFIX_RE = re.compile(r"^([^\W\d_]{2,})['’]([^\W\d_]{1,6})$")


@functools.cache
def _first_names() -> frozenset[str]:
    # gender-guesser's Detector parses the whole nam_dict.txt; we keep only its keys, the first names.
    names = Detector(case_sensitive=True).names
    return frozenset(n for n in names if len(n) >= 2 and " " not in n)


def _is_capitalised(word: str) -> bool:
    # Title-case, not ALL CAPS: "Sarah", "McDonald", "O'Brien" — not "I", "NASA", "iPhone".
    return word[0].isupper() and any(c.islower() for c in word)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    word: str
    sentence_start: bool
    previous: str  # the previous word in lower case, "" after a sentence end


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    last_end = 0
    previous = ""
    for m in _WORD_RE.finditer(text):
        start, end = m.start(), m.end()
        word = m.group()
        elision = _ELISION_RE.match(word)
        if elision and len(word) > elision.end():
            start += elision.end()
            word = word[elision.end() :]
        if word[-2:] in ("'s", "’s") and len(word) > 2:  # possessive: redact "Sarah", keep "'s"
            end -= 2
            word = word[:-2]
        elif word[-1] in "'’":
            end -= 1
            word = word[:-1]
        elif (
            (suffixed := _NAME_SUFFIX_RE.match(word))
            and _is_capitalised(suffixed[1])
            and _known_first_name(suffixed[1])
        ):
            end = start + len(suffixed[1])
            word = suffixed[1]
        gap = text[last_end:start]
        sentence_start = not tokens or (gap != " " and _SENTENCE_END_RE.search(gap) is not None)
        tokens.append(_Token(start, end, word, sentence_start, "" if sentence_start else previous))
        previous = word.lower()
        last_end = m.end()
    return tokens


def _known_first_name(word: str) -> bool:
    names = _first_names()
    if word in names:
        return True
    # "Jean-Pierre" is listed, "Marie-Ève" may not be: its first part is a first name all the same.
    head = word.split("-", 1)[0]
    return head != word and head in names and _is_capitalised(head)


def _could_be_surname(token: _Token) -> bool:
    return _is_capitalised(token.word) and token.word.lower() not in _NOT_SURNAME and len(token.word) >= 2


def _headline_lines(text: str, tokens: list[_Token]) -> set[int]:
    """Lines written in Title Case ("My Boss Said No"): capital letters there say nothing about names."""
    lines: dict[int, list[bool]] = {}
    line_of = _line_index(text)
    for token in tokens:
        if not token.sentence_start:  # a sentence's first word is capitalised anyway
            lines.setdefault(line_of(token.start), []).append(_is_capitalised(token.word))
    # Short sentences are often mostly names ("Then Will Turner came"): only longer, all-capital lines count.
    return {n for n, caps in lines.items() if len(caps) >= 4 and sum(caps) / len(caps) >= 0.8}


def _line_index(text: str) -> Callable[[int], int]:
    breaks = [m.start() for m in re.finditer("\n", text)]

    def line_of(position: int) -> int:
        return bisect.bisect_left(breaks, position)

    return line_of


def _names(text: str) -> Iterable[Finding]:
    tokens = _tokens(text)
    if not tokens:
        return
    by_start = {t.start: i for i, t in enumerate(tokens)}
    headline = _headline_lines(text, tokens)
    line_of = _line_index(text)

    def adjacent(a: _Token, b: _Token) -> bool:
        # Parts of one name are separated by blanks on one line only: "Sarah, Connor" is two things.
        gap = text[a.end : b.start]
        return bool(gap) and gap.strip(" \t\u00a0") == ""

    def surname_run(i: int) -> int:
        """Index of the last token of the surname that starts after token i, or i when there is none."""
        last = i
        j = i + 1
        taken = 0
        while j < len(tokens) and taken < 2 and adjacent(tokens[j - 1], tokens[j]):
            word = tokens[j].word
            if word.lower() in _PARTICLES and not _is_capitalised(word) and j + 1 < len(tokens):
                j += 1  # "van", "de la": only kept if a capitalised surname follows
                continue
            if not _could_be_surname(tokens[j]) or tokens[j].sentence_start:
                break
            last = j
            taken += 1
            j += 1
        return last

    # Titles first: "Mr Smith", "Dr. Ahmed Khan", "M. Dupont". The title itself is redacted with the name.
    for m in _TITLE_RE.finditer(text):
        i = by_start.get(m.end())
        if i is None or not _could_be_surname(tokens[i]):
            continue
        last = surname_run(i)
        yield Finding("name", m.start(), tokens[last].end, text[m.start() : tokens[last].end])

    for i, token in enumerate(tokens):
        word = token.word
        if not _is_capitalised(word) or not _known_first_name(word):
            continue
        if token.previous in _DETERMINERS:  # "the General", "my Angel", "la Reine": a role or a thing
            continue
        lower = word.lower()
        in_headline = line_of(token.start) in headline
        last = surname_run(i)
        if last > i:
            # "Firstname Lastname". A common word in front needs a surname that is not one too ("Will Power").
            surname_words = [t.word.lower() for t in tokens[i + 1 : last + 1]]
            if lower in _COMMON_WORDS and (in_headline or any(w in _COMMON_WORDS for w in surname_words)):
                continue
            if in_headline and not all(
                _known_first_name(t.word) or t.word[1:].islower() for t in tokens[i + 1 : last + 1]
            ):
                continue
            yield Finding("name", token.start, tokens[last].end, text[token.start : tokens[last].end])
            continue
        # A first name on its own.
        if in_headline or len(word) < 3 or lower in _COMMON_WORDS:
            continue
        if lower in _PLACE_NAMES and (token.previous in _PLACE_PREPOSITIONS or token.sentence_start):
            continue
        yield Finding("name", token.start, token.end, word)


# --- assembling -----------------------------------------------------------------------------------------


def _non_overlapping(findings: Iterable[Finding]) -> list[Finding]:
    # Longest wins: "jane@example.org" over the "@example" inside it, "Dr Sarah Connor" over "Sarah Connor".
    kept: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in sorted(set(findings), key=lambda f: (-(f.end - f.start), f.start, f.kind)):
        if f.end <= f.start:
            continue
        if any(f.start < end and start < f.end for start, end in taken):
            continue
        kept.append(f)
        taken.append((f.start, f.end))
    return sorted(kept, key=lambda f: (f.start, f.end))


def find_identifiers(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> list[Finding]:
    """Every span of ``text`` that names or identifies someone, sorted by position and never overlapping.

    ``regions`` are the ISO 3166 countries whose national phone formats are tried (international "+" numbers
    are always found); pass the author's country first when it is known.
    """
    if not text:
        return []
    found: list[Finding] = []
    found.extend(_emails(text))
    found.extend(_profile_urls(text))
    found.extend(_handles(text))
    found.extend(_phones(text, regions))
    found.extend(_names(text))
    found = _non_overlapping(found)
    return _non_overlapping([*found, *_other_mentions(text, found)])


def _other_mentions(text: str, findings: list[Finding]) -> Iterable[Finding]:
    """What is found once is found wherever it stands alone: "Connor" where nothing around it says it is a
    name is the Connor found elsewhere in the story, and an address glued to a dot is the same address;
    leaving either would identify them all the same."""
    for kind, value in {(f.kind, f.text) for f in findings}:
        for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text):
            yield Finding(kind, m.start(), m.end(), value)


def _placeholder(finding: Finding) -> str:
    return NAME_PLACEHOLDER if finding.kind == "name" else CONTACT_PLACEHOLDER


def _apply(text: str, findings: Iterable[Finding]) -> str:
    parts: list[str] = []
    cursor = 0
    for f in _non_overlapping(findings):
        if f.start < cursor or f.end > len(text):
            continue
        parts.append(text[cursor : f.start])
        parts.append(_placeholder(f))
        cursor = f.end
    parts.append(text[cursor:])
    return "".join(parts)


def redact(text: str, findings: list[Finding] | None = None) -> str:
    """``text`` with each finding replaced by "[name removed]" (names) or "[contact removed]" (the rest).

    With ``findings`` given (what the author was shown and accepted), exactly those spans are replaced.
    Without, the text is searched again after each pass, because removing one span can expose another (two
    numbers glued by an address), until nothing is left or a few passes have run.
    """
    if findings is not None:
        return _apply(text, findings)
    for _ in range(4):
        found = find_identifiers(text)
        if not found:
            break
        text = _apply(text, found)
    return text


def identifies_someone(text: str) -> bool:
    """True when ``text`` names someone or carries contact details: the story goes to the queue flagged."""
    return bool(find_identifiers(text))
