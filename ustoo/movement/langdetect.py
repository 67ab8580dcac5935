"""Offline language detection for many texts at once: py3langid's model, walked for a whole batch in numpy.

py3langid classifies one text at a time with a byte-by-byte DFA walk in Python (about 100 µs for a tweet).
Here the same walk advances every text of a batch one byte per numpy step, the feature counts go into one
sparse matrix, and one matrix product scores the batch: the same model, features and decision, several times
faster. `detect_language_array` takes and gives Arrow arrays, and prepares ASCII texts with Arrow's kernels.
`detect_language` (one text) keeps py3langid's own code path; the tests check that both agree.
"""

import contextlib
import os
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np

MIN_LENGTH = 3  # shorter texts (after stripping) get no detected language
_BATCH = 8192


def detect_language(text: str) -> str | None:
    import py3langid

    stripped = text.strip()
    if len(stripped) < MIN_LENGTH:
        return None
    return py3langid.classify(stripped)[0]


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
        float(langid.RAW_FLOOR),
    )


def _encode(text: str) -> bytes:
    # py3langid's LanguageIdentifier._encode for a str
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def detect_languages(texts: list[str | None]) -> list[str | None]:
    """The language of each text as `detect_language` gives it (None for empty or very short texts)."""
    found: list[str | None] = [None] * len(texts)
    wanted = []
    for index, text in enumerate(texts):
        if text:
            stripped = text.strip()
            if len(stripped) >= MIN_LENGTH:
                wanted.append((index, _encode(stripped)))
    if wanted:
        classes = _model()[5]
        codes = _classify_all(pa_binary([data for _, data in wanted]))
        for (index, _), code in zip(wanted, codes.tolist(), strict=True):
            found[index] = classes[code]
    return found


# What str.strip() strips among ASCII characters (its whitespace: str.isspace()).
_ASCII_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def detect_language_array(texts):
    """detect_languages for an Arrow string array, as an Arrow string array (null: none detected).

    ASCII texts, nearly all of them, are prepared as `detect_language` prepares them by Arrow's kernels
    (stripped; lowered when all upper case; Unicode normalisation changes nothing in ASCII); others one by
    one in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(texts)
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
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
    """The class index of each of the prepared texts (an Arrow binary array), _BATCH texts at a time."""
    return np.concatenate(
        [_classify(encoded.slice(start, _BATCH)) for start in range(0, len(encoded), _BATCH)]
    )


def _classify(encoded) -> np.ndarray:
    """The class index of each text of an Arrow binary array."""
    from scipy.sparse import csr_matrix

    nextmove, rowbase, output, ptc, pc, classes, aliases, floor = _model()
    count = len(encoded)
    _validity, offset_buffer, value_buffer = encoded.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int32)[encoded.offset : encoded.offset + count + 1]
    buffer = np.frombuffer(value_buffer, dtype=np.uint8) if value_buffer else np.zeros(0, np.uint8)
    lengths = np.diff(offsets).astype(np.int64)
    order = np.argsort(-lengths, kind="stable")  # longest first: the texts still walking are a prefix
    lengths = lengths[order]
    starts = offsets[:-1].astype(np.int64)[order]
    states = np.zeros(count, dtype=np.int64)
    docs, features = [], []
    active = count
    for step in range(int(lengths[0]) if count else 0):
        while active and lengths[active - 1] <= step:
            active -= 1
        current = states[:active]
        current = nextmove[rowbase[current] + buffer[starts[:active] + step]].astype(np.int64)
        states[:active] = current
        fired = output[current]
        hit = np.flatnonzero(fired >= 0)
        if hit.size:
            docs.append(hit)
            features.append(fired[hit])
    scores = np.full((count, len(classes)), floor, dtype=np.float32)
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
    for i, j in aliases:
        scores[:, i] = np.maximum(scores[:, i], scores[:, j])
        scores[:, j] = floor
    best = np.empty(count, dtype=np.int64)
    best[order] = scores.argmax(axis=1)
    return best
