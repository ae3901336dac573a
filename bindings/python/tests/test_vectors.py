"""Every shared vector: a valid one verifies at its issue time (with its userbuf or room
expectation and exact claims), is expired one second after its last, and minting its inputs
gives its TLS.sig; any other fails with exactly the exception of its kind."""

import base64

import pytest

import usersig
from conftest import decode, load_vectors

VECTORS = load_vectors()
KINDS = {
    "malformed": usersig.MalformedError,
    "unsupported_version": usersig.UnsupportedVersionError,
    "sdkappid_mismatch": usersig.SdkAppIdMismatchError,
    "identifier_mismatch": usersig.IdentifierMismatchError,
    "bad_signature": usersig.BadSignatureError,
    "not_yet_valid": usersig.NotYetValidError,
    "expired": usersig.ExpiredError,
    "userbuf_mismatch": usersig.UserbufMismatchError,
}


def expectation(v):
    userbuf = base64.b64decode(v["userbuf_b64"]) if "userbuf_b64" in v else None
    if "room_id" in v:
        return usersig.Expect.room(v["room_id"], v["privileges"]), userbuf
    if "room_str" in v:
        return usersig.Expect.room(v["room_str"], v["privileges"]), userbuf
    if userbuf is not None:
        return usersig.Expect.userbuf(userbuf), userbuf
    return usersig.Expect.no_userbuf(), None


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_verifies_or_fails_with_its_kind(v):
    expect, userbuf = expectation(v)
    with usersig.Verifier(v["sdkappid"], v["key"]) as verifier:
        if v["expect"] != "valid":
            with pytest.raises(KINDS[v["expect"]]) as info:
                verifier.verify(v["token"], v["identifier"], expect=expect, now=v["time"])
            assert info.value.kind == v["expect"]
            return
        c = verifier.verify(v["token"], v["identifier"], expect=expect, now=v["time"])
        assert (c.identifier, c.sdkappid, c.time, c.expire) == (
            v["identifier"], v["sdkappid"], v["time"], v["expire"])
        assert c.expires_at == v["time"] + v["expire"]
        assert c.userbuf == userbuf
        if "room_id" in v or "room_str" in v:
            pmk = c.private_map_key
            assert pmk.privileges == v["privileges"]
            assert pmk.expires_at == v["time"] + v["expire"]
            assert (pmk.room_id, pmk.string_room) == (v.get("room_id", 0), v.get("room_str"))
        else:
            assert c.private_map_key is None
        verifier.verify(v["token"], v["identifier"], expect=expect, now=c.expires_at)
        with pytest.raises(usersig.ExpiredError):
            verifier.verify(v["token"], v["identifier"], expect=expect, now=c.expires_at + 1)


SIGNED = [v for v in VECTORS if v["expect"] == "valid" and "sig" in v]


@pytest.mark.parametrize("v", SIGNED, ids=[v["name"] for v in SIGNED])
def test_minting_a_vectors_inputs_gives_its_signature(v):
    with usersig.Signer(v["sdkappid"], v["key"]) as s:
        args = (v["identifier"], v["expire"])
        if "room_id" in v:
            token = s.private_map_key(*args, v["room_id"], v["privileges"], time=v["time"])
        elif "room_str" in v:
            token = s.private_map_key(*args, v["room_str"], v["privileges"], time=v["time"])
        elif "userbuf_b64" in v:
            token = s.user_sig(*args, userbuf=base64.b64decode(v["userbuf_b64"]), time=v["time"])
        else:
            token = s.user_sig(*args, time=v["time"])
    assert decode(token)["TLS.sig"] == v["sig"]
