"""8 threads share one Signer and one Verifier (ctypes releases the GIL during each call)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import usersig
from conftest import APP, KEY, T0


def test_eight_threads_share_one_signer_and_one_verifier(signer, verifier):
    def work(n):
        ident = "user-%d" % n
        for i in range(300):
            at = T0 + i
            kind = i % 4
            if kind == 0:
                tok, exp = signer.user_sig(ident, 3600, time=at), usersig.Expect.no_userbuf()
            elif kind == 1:
                tok = signer.user_sig(ident, 3600, userbuf=ident.encode(), time=at)
                exp = usersig.Expect.userbuf(ident.encode())
            elif kind == 2:
                tok = signer.private_map_key(ident, 3600, n, usersig.Privileges.ALL, time=at)
                exp = usersig.Expect.room(n, usersig.Privileges.ENTER_ROOM)
            else:
                tok = signer.private_map_key(ident, 3600, ident, usersig.Privileges.ENTER_ROOM, time=at)
                exp = usersig.Expect.room(ident, usersig.Privileges.ENTER_ROOM)
            c = verifier.verify(tok, ident, expect=exp, now=at)
            assert c.identifier == ident and c.time == at
            try:
                verifier.verify(tok, "someone-else", now=at)
            except usersig.IdentifierMismatchError:
                pass
            else:
                raise AssertionError("accepted for another identifier")
        return n

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))


def test_close_waits_for_calls_in_progress():
    s = usersig.Signer(APP, KEY)
    errors = []
    started = threading.Barrier(9)

    def work():
        started.wait()
        for _ in range(300):
            try:
                s.user_sig("a", 60)
            except ValueError:  # closed: every later call
                return
            except Exception as e:  # pragma: no cover - a failure
                errors.append(e)
                return

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    started.wait()
    s.close()
    for t in threads:
        t.join()
    assert not errors
