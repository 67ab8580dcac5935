"""Label posts `experience`, `support`, `news_opinion` or `backlash`.

Features (`features`, MODEL.md): each word of a post (URLs and @handles replaced by placeholders, `#` dropped
so a hashtag keeps its word, one-letter words kept: "I" matters), each pair of neighbouring words, each
word's cross-language concept where it has one (labelled/concepts.py: "raped", "violée" and "violada" are all
`·harm`), whether two concepts stand within WINDOW words of each other (`·first+harm`: a first-person word
near a word of harm, the shape of a disclosure), and whether the post quotes someone (`·quote`). TF-IDF over
those, then a multinomial logistic regression with balanced class weights. Trained on the labelled set the
project ships (`data/labelled_posts.csv`, composed from fragments and grammars written for ustoo). Training
takes a few seconds, so the model is trained at first use with a fixed seed instead of shipping a binary
file: what runs is always what the data and this code say. `ustoo movement evaluate` prints its figures.

Labelling a million posts through scikit-learn costs about 30 µs each, nearly all of it Python tokenising one
text at a time. `predict` instead scores a whole batch with the trained model's own numbers (vocabulary, idf,
coefficients): the texts are prepared and tokenised by Arrow's vectorised string kernels with the same
patterns, looked up in the vocabulary (words and word pairs by hash, concepts and their pairs by position),
and scored as the sparse product scikit-learn computes, in numpy. The tests check it labels as scikit-learn
does. The trained numbers are cached on disk under a key made of the labelled data, this file, the concepts
and the scikit-learn version, so a process does not retrain unless one of those changed."""

import csv
import hashlib
import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ustoo.movement.labelled.concepts import CONCEPTS

LABELS = ("experience", "support", "news_opinion", "backlash")
DATA_FILE = Path(__file__).with_name("data") / "labelled_posts.csv"
CONCEPTS_FILE = Path(__file__).with_name("labelled") / "concepts.py"
SEED = 20171015
TEST_SHARE = 0.25
C = 3.0
WINDOW = 6  # words between two concepts for them to count as said together
# Pairs of concepts said together: a disclosure (first person near harm, an abuser, an age, "survivor",
# "too"), someone else's story (third person near harm), a joke (laughter near harm).
PAIRS = (
    ("first", "harm"),
    ("first", "perpetrator"),
    ("first", "number"),
    ("first", "survivor"),
    ("first", "too"),
    ("first", "support"),
    ("first", "telling"),
    ("third", "harm"),
    ("laugh", "harm"),
)
MARK = "·"  # starts the name of a concept feature: never part of a word (\w)
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\w+")
_WORD = re.compile(r"\w+")
_QUOTE = re.compile('["“”«»]')


def prepare(text: str) -> str:
    # URLs and handles say nothing about the kind of post but differ every time; hashtags keep their word.
    return _MENTION.sub(" @user ", _URL.sub(" url ", text)).replace("#", " ")


def _concept(word: str) -> str | None:
    if word.isascii() and word.isdigit() and len(word) <= 2:
        return "number"  # an age, most often
    return CONCEPTS.get(word)


def features(text: str) -> list[str]:
    """What the classifier sees of a text (the reference that Scorer reproduces in bulk)."""
    words = _WORD.findall(prepare(text).lower())
    found = words + [f"{first} {second}" for first, second in itertools.pairwise(words)]
    concepts = [_concept(word) for word in words]
    found += [MARK + concept for concept in concepts if concept and concept != "number"]
    positions: dict[str, list[int]] = {}
    for position, concept in enumerate(concepts):
        if concept:
            positions.setdefault(concept, []).append(position)
    for first, second in PAIRS:
        if any(abs(i - j) <= WINDOW for i in positions.get(first, ()) for j in positions.get(second, ())):
            found.append(f"{MARK}{first}+{second}")
    if _QUOTE.search(text):
        found.append(MARK + "quote")
    return found


def load_labelled(path: Path = DATA_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True),
        LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED),
    )


def held_out_split(rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    """Hold out whole groups (posts sharing an opening sentence), stratified by label and language."""
    import random

    rng = random.Random(SEED)
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        cell = groups.setdefault((row["lang"], row["label"]), [])
        if row["group"] not in cell:
            cell.append(row["group"])
    test_groups = set()
    for cell in groups.values():
        ordered = sorted(cell)
        rng.shuffle(ordered)
        test_groups.update(ordered[: max(1, round(len(ordered) * TEST_SHARE))])
    train = [row for row in rows if row["group"] not in test_groups]
    test = [row for row in rows if row["group"] in test_groups]
    return train, test


@cache
def trained_model():
    rows = load_labelled()
    model = build_model()
    model.fit([row["text"] for row in rows], [row["label"] for row in rows])
    return model


def labels_of(model, texts: list[str]) -> list[str | None]:
    """The pipeline's labels, but None for a text with no feature the model knows: its scores would be the
    intercepts alone, a label the text says nothing about."""
    vectorizer, regression = model[0], model[1]
    matrix = vectorizer.transform(texts)
    labels = regression.predict(matrix)
    known = matrix.getnnz(axis=1) > 0
    return [str(label) if has_terms else None for label, has_terms in zip(labels, known, strict=True)]


def predict_sklearn(texts: list[str]) -> list[str | None]:
    """Through scikit-learn itself, one text at a time: the reference `predict` is checked against."""
    if not texts:
        return []
    return labels_of(trained_model(), texts)


# prepare() and the word pattern in RE2 terms: Python's \w is [\p{L}\p{N}_] and its \s is the Unicode
# spaces, where RE2's \w and \s are ASCII-only.
_RE2_URL = r"https?://[^\t\n\x0b\f\r\x1c-\x1f\x{85}\p{Z}]+"
_RE2_MENTION = r"@[\p{L}\p{N}_]+"
_RE2_NOT_WORD_CHAR = r"[^\p{L}\p{N}_ ]"
_RE2_QUOTE = '["“”«»]'


@dataclass(frozen=True)
class Scorer:
    vocabulary: object  # pyarrow string array of the single words, word i at position i
    word_terms: np.ndarray  # the vocabulary index of word i
    pair_keys: object  # pyarrow int64 array: first word * len(words) + second word, for each two-word term
    pair_terms: np.ndarray  # the vocabulary index of each pair_keys entry
    lexicon: object  # pyarrow string array of the words that have a concept
    lexicon_concepts: np.ndarray  # the concept number of each lexicon word
    concept_terms: np.ndarray  # the vocabulary index of ·concept for each concept number, or -1
    number_concept: int  # the concept number of a number of one or two digits (an age, most often)
    pair_concepts: np.ndarray  # (first, second) concept numbers of each PAIRS entry
    concept_pair_terms: np.ndarray  # the vocabulary index of each PAIRS entry's feature, or -1
    quote_term: int  # the vocabulary index of ·quote, or -1
    idf: np.ndarray
    coef: np.ndarray  # classes x terms
    intercept: np.ndarray
    classes: tuple[str, ...]

    @classmethod
    def from_terms(cls, terms: list[str], idf, coef, intercept, classes) -> "Scorer":
        import pyarrow as pa

        index = {term: i for i, term in enumerate(terms)}
        words = [term for term in terms if " " not in term and not term.startswith(MARK)]
        word_index = {word: i for i, word in enumerate(words)}
        keys, pair_terms = [], []
        for term, i in index.items():
            if " " in term:
                first, second = term.split(" ")
                # no pruning: both words of a two-word term are terms themselves
                keys.append(word_index[first] * len(words) + word_index[second])
                pair_terms.append(i)
        names = sorted({*CONCEPTS.values(), "number"})
        number = {name: n for n, name in enumerate(names)}
        lexicon = sorted(CONCEPTS)
        return cls(
            vocabulary=pa.array(words, pa.string()),
            word_terms=np.array([index[word] for word in words], dtype=np.int64),
            pair_keys=pa.array(keys, pa.int64()),
            pair_terms=np.asarray(pair_terms, dtype=np.int64),
            lexicon=pa.array(lexicon, pa.string()),
            lexicon_concepts=np.array([number[CONCEPTS[word]] for word in lexicon], dtype=np.int64),
            concept_terms=np.array(
                [-1 if name == "number" else index.get(MARK + name, -1) for name in names], dtype=np.int64
            ),
            number_concept=number["number"],
            pair_concepts=np.array([[number[a], number[b]] for a, b in PAIRS], dtype=np.int64),
            concept_pair_terms=np.array([index.get(f"{MARK}{a}+{b}", -1) for a, b in PAIRS], dtype=np.int64),
            quote_term=index.get(MARK + "quote", -1),
            idf=np.asarray(idf, dtype=np.float64),
            coef=np.asarray(coef, dtype=np.float64),
            intercept=np.asarray(intercept, dtype=np.float64),
            classes=tuple(str(label) for label in classes),
        )

    def predict(self, texts) -> list[str | None]:
        """Labels for a list of texts or an Arrow string array; None for a text with no known feature."""
        return [self.classes[code] if code >= 0 else None for code in self.codes(texts).tolist()]

    def label_array(self, texts):
        """As predict, but an Arrow string array (null: no label), with no Python object per text."""
        import pyarrow as pa

        codes = self.codes(texts)
        return pa.array(self.classes, pa.string()).take(pa.array(codes, mask=codes < 0))

    def codes(self, texts) -> np.ndarray:
        """The index in `classes` of each text's label, -1 where the text has no known feature."""
        import pyarrow as pa
        import pyarrow.compute as pc

        count = len(texts)
        if not count:
            return np.zeros(0, dtype=np.int64)
        if isinstance(texts, pa.ChunkedArray):
            texts = texts.combine_chunks()
        elif not isinstance(texts, pa.Array):
            texts = pa.array(texts, pa.string())
        prepared = pc.replace_substring_regex(texts, pattern=_RE2_URL, replacement=" url ")
        prepared = pc.replace_substring_regex(prepared, pattern=_RE2_MENTION, replacement=" @user ")
        prepared = pc.utf8_lower(prepared)
        # Every character that is not a word character becomes a space, one by one (spaces, the most common,
        # are left alone: replacing runs is several times slower); then split at spaces, and the empty
        # pieces dropped: what is left are the words. (prepare()'s "#" to space happens here too.)
        spaced = pc.replace_substring_regex(prepared, pattern=_RE2_NOT_WORD_CHAR, replacement=" ")
        split = pc.split_pattern(spaced, pattern=" ")
        if isinstance(split, pa.ChunkedArray):
            split = split.combine_chunks()
        lengths = pc.fill_null(pc.list_value_length(split), 0).to_numpy(zero_copy_only=False)
        parents = np.repeat(np.arange(count, dtype=np.int64), lengths)
        tokens = pc.list_flatten(split)
        keep = np.flatnonzero(pc.binary_length(tokens).to_numpy(zero_copy_only=False) > 0)
        tokens = tokens.take(pa.array(keep))
        parents = parents[keep]
        words = pc.fill_null(pc.index_in(tokens, value_set=self.vocabulary), -1)
        words = words.to_numpy(zero_copy_only=False).astype(np.int64)
        known = words >= 0
        doc = [parents[known]]
        term = [self.word_terms[words[known]]]
        if words.size > 1 and len(self.pair_keys):
            # two-word terms: consecutive words of one text, both in the vocabulary
            both = np.flatnonzero(known[:-1] & known[1:] & (parents[:-1] == parents[1:]))
            keys = words[both] * len(self.vocabulary) + words[both + 1]
            position = pc.index_in(pa.array(keys), value_set=self.pair_keys)
            position = pc.fill_null(position, -1).to_numpy(zero_copy_only=False)
            found = position >= 0
            doc.append(parents[both[found]])
            term.append(self.pair_terms[position[found]])
        self._concept_cells(tokens, parents, doc, term)
        if self.quote_term >= 0:
            quoted = pc.fill_null(pc.match_substring_regex(texts, pattern=_RE2_QUOTE), False)
            quoted = np.flatnonzero(quoted.to_numpy(zero_copy_only=False))
            doc.append(quoted)
            term.append(np.full(quoted.size, self.quote_term, dtype=np.int64))
        return self._best(count, np.concatenate(doc), np.concatenate(term))

    def _concept_cells(self, tokens, parents: np.ndarray, doc: list, term: list) -> None:
        """Concept features (one per word that has a concept) and concept pairs (once per text where two
        concepts stand within WINDOW words of each other), added to doc and term."""
        import pyarrow as pa
        import pyarrow.compute as pc

        concepts = pc.fill_null(pc.index_in(tokens, value_set=self.lexicon), -1)
        concepts = concepts.to_numpy(zero_copy_only=False).astype(np.int64)
        concepts = np.where(concepts >= 0, self.lexicon_concepts[np.maximum(concepts, 0)], -1)
        # numbers of one or two digits: only short words need the test
        short = np.flatnonzero(pc.binary_length(tokens).to_numpy(zero_copy_only=False) <= 2)
        digits = pc.fill_null(pc.ascii_is_decimal(tokens.take(pa.array(short))), False)
        concepts[short[digits.to_numpy(zero_copy_only=False)]] = self.number_concept
        has = np.flatnonzero(concepts >= 0)  # positions of the words that have a concept, ascending
        found = concepts[has]
        named = self.concept_terms[found] >= 0
        doc.append(parents[has[named]])
        term.append(self.concept_terms[found[named]])
        if not has.size:
            return
        owner = parents[has]
        # each concept word's text runs from its first word to its last (a text's words are contiguous)
        first_word = np.searchsorted(parents, owner, side="left")
        last_word = np.searchsorted(parents, owner, side="right") - 1
        pairs = zip(self.pair_concepts.tolist(), self.concept_pair_terms.tolist(), strict=True)
        for (a, b), feature in pairs:
            at_a, at_b = np.flatnonzero(found == a), has[found == b]
            if feature < 0 or not at_a.size or not at_b.size:
                continue
            low = np.maximum(has[at_a] - WINDOW, first_word[at_a])
            high = np.minimum(has[at_a] + WINDOW, last_word[at_a])
            near = np.searchsorted(at_b, low, side="left") < np.searchsorted(at_b, high, side="right")
            docs = np.unique(owner[at_a[near]])
            doc.append(docs)
            term.append(np.full(docs.size, feature, dtype=np.int64))

    def _best(self, count: int, doc: np.ndarray, term: np.ndarray) -> np.ndarray:
        # Each text's distinct terms in ascending order with their counts: the rows of a sparse matrix with
        # sorted indices, summed in the order scikit-learn's sparse product sums them (the same scores).
        cells = doc * self.idf.size + term
        cells.sort(kind="stable")
        first = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1]))) if cells.size else cells
        tf = np.diff(np.append(first, cells.size)).astype(np.float64)
        cells = cells[first]
        doc_index, term_index = np.divmod(cells, self.idf.size)
        # TfidfVectorizer(sublinear_tf=True, norm="l2"): (1 + log tf) * idf, then each row to unit length
        weights = (np.log(tf) + 1) * self.idf[term_index]
        norms = np.sqrt(np.bincount(doc_index, weights=weights**2, minlength=count))
        weights /= norms[doc_index]
        scores = np.empty((count, len(self.classes)))
        for label in range(len(self.classes)):
            scores[:, label] = np.bincount(
                doc_index, weights=weights * self.coef[label, term_index], minlength=count
            )
        scores += self.intercept
        best = scores.argmax(axis=1)
        best[np.bincount(doc_index, minlength=count) == 0] = -1
        return best


def cache_dir() -> Path:
    configured = os.environ.get("USTOO_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ustoo"


def _model_key() -> str:
    from importlib.metadata import version

    digest = hashlib.sha256(DATA_FILE.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(CONCEPTS_FILE.read_bytes())
    digest.update(version("scikit-learn").encode())
    return digest.hexdigest()[:24]


@cache
def scorer() -> Scorer:
    """The trained model's numbers: from the disk cache when its key matches, else trained now and cached."""
    path = cache_dir() / f"movement-classifier-{_model_key()}.npz"
    try:
        with np.load(path, allow_pickle=False) as saved:
            numbers = {name: saved[name] for name in saved.files}
    except (OSError, ValueError, KeyError):
        model = trained_model()
        vectorizer, regression = model[0], model[1]
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        numbers = {
            "vocabulary": np.array(terms, dtype=str),
            "idf": vectorizer.idf_,
            "coef": regression.coef_,
            "intercept": regression.intercept_,
            "classes": np.array([str(label) for label in regression.classes_], dtype=str),
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(temporary, **numbers)
            temporary.replace(path)
            for stale in path.parent.glob("movement-classifier-*.npz"):
                if stale != path:
                    stale.unlink(missing_ok=True)  # trained by an earlier version of the data or code
        except OSError:
            pass  # a read-only home: train in each process instead
    return Scorer.from_terms(
        [str(term) for term in numbers["vocabulary"]],
        numbers["idf"],
        numbers["coef"],
        numbers["intercept"],
        numbers["classes"],
    )


def predict(texts) -> list[str | None]:
    """Labels for many texts at once (a list or an Arrow string array), as scikit-learn's pipeline gives them
    (see Scorer); None for a text with no word the model knows (see labels_of)."""
    if not len(texts):
        return []
    return scorer().predict(texts)


def label_array(texts):
    """predict() as an Arrow string array, nulls for no label: what the importer stores."""
    import pyarrow as pa

    if not len(texts):
        return pa.array([], pa.string())
    return scorer().label_array(texts)


def evaluate() -> dict:
    """Train on the training split only and score the held-out split, against a majority-class baseline."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    train, test = held_out_split(load_labelled())
    model = build_model()
    model.fit([row["text"] for row in train], [row["label"] for row in train])
    truth = [row["label"] for row in test]
    # as imports label: a post with no known word gets no label, which is never right
    guessed = [label or "unlabelled" for label in labels_of(model, [row["text"] for row in test])]
    majority = Counter(row["label"] for row in train).most_common(1)[0][0]
    baseline = [majority] * len(truth)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guessed, labels=list(LABELS), zero_division=0
    )
    by_language = {}
    for lang in sorted({row["lang"] for row in test}):
        picked = [i for i, row in enumerate(test) if row["lang"] == lang]
        by_language[lang] = round(
            f1_score(
                [truth[i] for i in picked],
                [guessed[i] for i in picked],
                labels=list(LABELS),
                average="macro",
                zero_division=0,
            ),
            3,
        )
    return {
        "train_posts": len(train),
        "test_posts": len(test),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 3),
                "recall": round(float(recall[i]), 3),
                "f1": round(float(f1[i]), 3),
                "support": int(support[i]),
            }
            for i, label in enumerate(LABELS)
        },
        "accuracy": round(accuracy_score(truth, guessed), 3),
        "macro_f1": round(f1_score(truth, guessed, labels=list(LABELS), average="macro", zero_division=0), 3),
        "macro_f1_by_language": by_language,
        "baseline": {
            "rule": f"always {majority!r} (the training split's most common label)",
            "accuracy": round(accuracy_score(truth, baseline), 3),
            "macro_f1": round(
                f1_score(truth, baseline, labels=list(LABELS), average="macro", zero_division=0), 3
            ),
        },
    }
