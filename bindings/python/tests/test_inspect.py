"""usersig.inspect: the library's key-less description of a token, as a dict."""

import json
import subprocess

import pytest

import usersig
from conftest import APP, T0, encode, load_vectors, repo_root


def test_a_minted_token_is_described(signer):
    token = signer.user_sig("alice", 3600, userbuf=b"\x00ab\xff", time=T0)
    info = usersig.inspect(token, now=T0)
    assert info["identifier"] == "alice" and info["sdkappid"] == APP
    assert (info["time"], info["expire"], info["expires_at"]) == (T0, 3600, T0 + 3600)
    assert info["userbuf_hex"] == "006162ff"
    assert info["producer"] == "usersig (this library)"
    assert info["private_map_key"] is None
    # Later, the same token is described as expired: a warning, not an error.
    later = usersig.inspect(token, now=T0 + 3601)
    assert "expired" in [w["code"] for w in later["warnings"]]


def test_a_private_map_key_is_read_from_the_userbuf(signer):
    token = signer.private_map_key("alice", 300, "lobby", usersig.Privileges.ENTER_ROOM, time=T0)
    pmk = usersig.inspect(token, now=T0)["private_map_key"]
    assert pmk["account"] == "alice" and pmk["room_str"] == "lobby"


def test_the_same_description_as_the_cli(signer):
    token = signer.user_sig("alice", 3600, time=T0)
    cli = repo_root() / "target" / "release" / "usersig"
    if not cli.is_file():
        pytest.skip("no CLI at %s" % cli)
    out = subprocess.run([str(cli), "inspect", "--json", "--now", str(T0), token],
                         capture_output=True, text=True, check=True).stdout
    assert usersig.inspect(token, now=T0) == json.loads(out)


def test_official_tokens_are_described():
    described = 0
    for v in load_vectors():
        if v["expect"] != "valid":
            continue
        info = usersig.inspect(v["token"], now=v["time"])
        assert (info["identifier"], info["sdkappid"], info["time"]) == (
            v["identifier"], v["sdkappid"], v["time"]), v["name"]
        described += 1
    assert described >= 20


def test_nothing_to_describe_is_malformed():
    for token in ["", "not a token", "eJyrVgrxCdYrSy1SslI"]:
        with pytest.raises(usersig.MalformedError):
            usersig.inspect(token)


def test_a_description_over_the_first_buffer_is_retried(signer):
    big = bytes(range(256)) * 20  # 5 KiB of userbuf: over 10 KiB of hex alone
    info = usersig.inspect(signer.user_sig("carol", 60, userbuf=big, time=T0), now=T0)
    assert bytes.fromhex(info["userbuf_hex"]) == big


def test_a_forged_token_is_described_but_never_verified(verifier):
    forged = encode('{"TLS.ver":"2.0","TLS.identifier":"alice","TLS.sdkappid":%d,'
                    '"TLS.expire":3600,"TLS.time":%d,"TLS.sig":"AAAA"}' % (APP, T0))
    assert usersig.inspect(forged, now=T0)["identifier"] == "alice"
    with pytest.raises(usersig.VerifyError):
        verifier.verify(forged, "alice", now=T0)


def test_arguments_are_checked():
    with pytest.raises(TypeError):
        usersig.inspect(42)
    with pytest.raises(usersig.ClockBeforeEpochError):
        usersig.inspect("x", now=-1)
