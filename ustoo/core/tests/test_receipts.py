"""Receipts: enough entropy, only plain words, hashed with Argon2id, forgiving when retyped."""

from argon2.low_level import Type, hash_secret_raw

from ustoo.core import receipts


def test_receipts_carry_at_least_80_bits():
    assert receipts.entropy_bits() >= 80
    assert len(receipts._words()) ** receipts.WORD_COUNT >= 2**80


def test_words_are_plain_and_exclude_violent_ones():
    words = receipts._words()
    assert all(word.isalpha() and word.islower() for word in words)
    assert not {"grope", "predator", "undress", "strangle", "t-shirt", "yo-yo"} & set(words)


def test_every_new_receipt_is_seven_words_that_survive_normalising():
    for _ in range(500):
        receipt = receipts.new_receipt()
        assert len(receipt.split()) == 7
        assert receipts.looks_like_receipt(receipt)
        assert receipts.normalise(receipt) == receipt


def test_hash_is_argon2id_of_the_normalised_phrase(settings):
    phrase = "alpha bravo charlie delta echo foxtrot golf"
    expected = hash_secret_raw(
        phrase.encode(),
        receipts._salt(),
        time_cost=1,
        memory_cost=256,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    assert receipts.receipt_hash(phrase) == expected
    assert receipts.receipt_hash("  Alpha-Bravo charlie DELTA echo, foxtrot golf ") == expected
    assert receipts.receipt_hash("alpha bravo charlie delta echo foxtrot gulf") != expected
