"""Offline language detection for many texts at once: py3langid's model, walked for a whole batch in numpy.

py3langid classifies one text at a time with a byte-by-byte DFA walk in Python (about 150 µs for a tweet).
Here the same walk advances every text of a batch one byte per numpy step, the feature counts go into one
sparse matrix, and one matrix product scores the batch: the same model, features and decision, about a
hundred times faster, which is what lets a Reddit dump of millions of comments (no language given) be read
at all. `detect_language` (one text) is py3langid's own code path; the tests check that both agree.

What is detected is the text without links, @handles and #hashtags (a tag reads as English in every
language), and only a detection py3langid is confident of counts: below MIN_CONFIDENCE (its probability,
`norm_probs`) the language is unknown, `und`. On the 2019 #MeToo CSV in shared/data, detections at 0.3 or
more agree with Twitter's own tag 95–100% of the time, those below it 24–73%: "🙋‍♀️ #metoo" was `wuu`,
"[removed]" `sk`, "lol ok" `vo`. A detector that says nothing is stored as NULL and reported as `und`.
"""

import contextlib
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np

MIN_LENGTH = 3  # shorter texts (after stripping) get no detected language
MIN_CONFIDENCE = 0.3
_BATCH = 8192
_NOT_LANGUAGE = re.compile(r"(?:https?://|www\.)\S+|[@#＃][\w_]+|\[(?:removed|deleted)\]")


def _stripped(text: str) -> str:
    return _NOT_LANGUAGE.sub(" ", text).strip()


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True, min_confidence=MIN_CONFIDENCE)


def detect_language(text: str) -> str | None:
    """py3langid's language for one text, None below its confidence floor or for a text too short."""
    stripped = _stripped(text)
    if len(stripped) < MIN_LENGTH:
        return None
    language, _confidence = _identifier().classify(stripped)
    return None if language == "und" else language


_ARRAYS = ("nextmove", "rowbase", "output", "ptc", "pc", "classes", "aliases")


def _cache_path() -> Path:
    from importlib.metadata import version

    from ustoo.movement.classify import cache_dir

    return cache_dir() / f"movement-langid-{version('py3langid')}"


@cache
def _model():
    """py3langid's model as arrays. Its xz file takes a second to unpack, so the arrays are kept on disk as
    .npy files and mapped into memory (only the pages a batch touches are read; processes share them)."""
    from py3langid import langid

    folder = _cache_path()
    try:
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    except (OSError, ValueError):
        identifier = langid._load_identifier()
        arrays = {
            "nextmove": np.asarray(identifier.tk_nextmove, dtype=np.uint32),
            "rowbase": np.asarray(identifier.tk_row, dtype=np.int64) << 8,
            "output": np.asarray(identifier.tk_output, dtype=np.int32),
            "ptc": np.asarray(identifier.nb_ptc, dtype=np.float32),  # float16 in the model; scipy wants 32
            "pc": np.asarray(identifier.nb_pc, dtype=np.float32),
            "classes": np.array(identifier.nb_classes, dtype=str),
            "aliases": np.array(identifier._alias_pairs, dtype=np.int64).reshape(-1, 2),
        }
        with contextlib.suppress(OSError):
            temporary = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
            temporary.mkdir(parents=True, exist_ok=True)
            for name, array in arrays.items():
                np.save(temporary / f"{name}.npy", array)
            temporary.rename(folder)
    # plain arrays over the mapped files: a memmap object costs microseconds more per indexing, and the walk
    # indexes thousands of times a batch
    return (
        np.asarray(arrays["nextmove"]),
        np.asarray(arrays["rowbase"]),
        np.asarray(arrays["output"]),
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        [str(name) for name in arrays["classes"]],
        [(int(i), int(j)) for i, j in arrays["aliases"]],
    )


def _encode(text: str) -> bytes:
    # py3langid's LanguageIdentifier._encode for a str
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def detect_languages(texts: list[str | None]) -> list[str | None]:
    """The language of each text as `detect_language` gives it (None where it gives none)."""
    found: list[str | None] = [None] * len(texts)
    wanted = []
    for index, text in enumerate(texts):
        if text:
            stripped = _stripped(text)
            if len(stripped) >= MIN_LENGTH:
                wanted.append((index, _encode(stripped)))
    if wanted:
        classes = _model()[5]
        codes = _classify_all(pa_binary([data for _, data in wanted]))
        for (index, _), code in zip(wanted, codes.tolist(), strict=True):
            found[index] = classes[code] if code >= 0 else None
    return found


# _NOT_LANGUAGE in RE2 terms (Python's \w is [\p{L}\p{N}_], its \S the complement of the Unicode spaces)
_RE2_NOT_LANGUAGE = (
    r"(?:https?://|www\.)[^\t\n\x0b\f\r\x1c-\x1f\x{85}\p{Z}]+|[@#＃][\p{L}\p{N}_]+|\[(?:removed|deleted)\]"
)
# What str.strip() strips among ASCII characters (its whitespace: str.isspace()).
_ASCII_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def detect_language_array(texts):
    """detect_languages for an Arrow string array, as an Arrow string array (null: none detected).

    Links, handles and tags are taken out by Arrow's kernels; ASCII texts, nearly all of them, are then
    prepared as `detect_language` prepares them by Arrow's kernels too (stripped; lowered when all upper case;
    Unicode normalisation changes nothing in ASCII); others one by one in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(texts)
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = pc.replace_substring_regex(texts, pattern=_RE2_NOT_LANGUAGE, replacement=" ")
    present = pc.fill_null(pc.greater(pc.binary_length(texts), 0), False).to_numpy(zero_copy_only=False)
    is_ascii = pc.fill_null(pc.string_is_ascii(texts), False).to_numpy(zero_copy_only=False)
    simple = np.flatnonzero(present & is_ascii)
    prepared = pc.utf8_trim(texts.take(pa.array(simple)), characters=_ASCII_SPACES)
    prepared = pc.if_else(pc.ascii_is_upper(prepared), pc.ascii_lower(prepared), prepared)
    long_enough = pc.greater_equal(pc.binary_length(prepared), MIN_LENGTH)
    prepared = prepared.filter(long_enough).cast(pa.binary())
    simple = simple[long_enough.to_numpy(zero_copy_only=False)]
    other, encoded = [], []
    rest = np.flatnonzero(present & ~is_ascii)
    for index, text in zip(rest.tolist(), texts.take(pa.array(rest)).to_pylist(), strict=True):
        stripped = text.strip()
        if len(stripped) >= MIN_LENGTH:
            other.append(index)
            encoded.append(_encode(stripped))
    codes = np.full(count, -1, dtype=np.int64)
    if len(prepared):
        codes[simple] = _classify_all(prepared)
    if encoded:
        codes[np.array(other, dtype=np.int64)] = _classify_all(pa_binary(encoded))
    if not (codes >= 0).any():
        return pa.nulls(count, pa.string())
    return pa.array(_model()[5], pa.string()).take(pa.array(codes, mask=codes < 0))


def pa_binary(values: list[bytes]):
    import pyarrow as pa

    return pa.array(values, pa.binary())


def _classify_all(encoded) -> np.ndarray:
    """The class index of each of the prepared texts (an Arrow binary array), _BATCH texts at a time; -1
    where py3langid's confidence is below MIN_CONFIDENCE."""
    return np.concatenate(
        [_classify(encoded.slice(start, _BATCH)) for start in range(0, len(encoded), _BATCH)]
    )


def _classify(encoded) -> np.ndarray:
    """The class index of each text of an Arrow binary array, or -1 (see _classify_all)."""
    from scipy.sparse import csr_matrix

    nextmove, rowbase, output, ptc, pc, classes, aliases = _model()
    count = len(encoded)
    _validity, offset_buffer, value_buffer = encoded.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int32)[encoded.offset : encoded.offset + count + 1]
    buffer = np.frombuffer(value_buffer, dtype=np.uint8) if value_buffer else np.zeros(0, np.uint8)
    lengths = np.diff(offsets).astype(np.int64)
    order = np.argsort(-lengths, kind="stable")  # longest first: the texts still walking are a prefix
    sorted_lengths = lengths[order]
    starts = offsets[:-1].astype(np.int64)[order]
    states = np.zeros(count, dtype=np.int64)
    docs, features = [], []
    active = count
    for step in range(int(sorted_lengths[0]) if count else 0):
        while active and sorted_lengths[active - 1] <= step:
            active -= 1
        current = states[:active]
        current = nextmove[rowbase[current] + buffer[starts[:active] + step]].astype(np.int64)
        states[:active] = current
        fired = output[current]
        hit = np.flatnonzero(fired >= 0)
        if hit.size:
            docs.append(order[hit])
            features.append(fired[hit])
    # py3langid with norm_probs: a text with no feature scores 0 everywhere (uniform, so below any floor)
    scores = np.zeros((count, len(classes)), dtype=np.float32)
    if docs:
        doc = np.concatenate(docs)
        feature = np.concatenate(features)
        counts = csr_matrix(
            (np.ones(doc.size, dtype=np.float32), (doc, feature)), shape=(count, ptc.shape[0])
        )
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        has_features = np.diff(counts.indptr) > 0
        scored = np.asarray(counts @ ptc) + pc
        scores[has_features] = scored[has_features]
    # its probabilities: a softmax of the scores divided by the square root of the text's length in bytes,
    # each script alias folded into its language's first column
    scores *= (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)[:, None]
    np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    for i, j in aliases:
        scores[:, i] += scores[:, j]
        scores[:, j] = 0.0
    best = scores.argmax(axis=1)
    confident = scores[np.arange(count), best] >= MIN_CONFIDENCE
    return np.where(confident, best, -1)
