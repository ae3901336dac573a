"""Drop-in for the official Python SDK (PyPI ``tls-sig-api-v2``, module ``TLSSigAPIv2``).

Change the import and keep the calls::

    from TLSSigAPIv2 import TLSSigAPIv2          # before
    from usersig.compat import TLSSigAPIv2       # after

>>> api = TLSSigAPIv2(1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e")
>>> sig = api.genUserSig("xiaojun")
>>> pmk = api.genPrivateMapKeyWithStringRoomID("xiaojun", 86400, "1000000040", 255)

Like the official class it reads the clock with ``time.time()`` (so a test that pins that pins
these tokens too), and its tokens carry the same claims and the same ``TLS.sig``. Unlike it:

- it writes the zlib stream as stored blocks (as the official Go SDK has since 2024-11), which
  every official verifier and Tencent's servers accept, instead of level 6: minting costs a
  few microseconds instead of tens, and the token text differs from the official one (a
  token is not byte-stable anyway: FORMAT.md §5). For level 6, mint with
  ``usersig.Signer(sdkappid, key, compression=usersig.Compression.STANDARD)``;
- bad input raises a
:class:`usersig.UserSigError` (an empty key or identifier, an identifier with NUL, privileges
above 255, ...) instead of minting a token no server accepts, and string room lengths are
counted in bytes (FORMAT.md §6).
"""

from __future__ import annotations

import time as _time
from typing import Union

from .api import DEFAULT_EXPIRE, Compression, Signer


class TLSSigAPIv2:
    """The official ``TLSSigAPIv2`` class: every method of the GitHub SDK (``genUserSig``,
    ``genPrivateMapKey``, ``genPrivateMapKeyWithStringRoomID``) and of PyPI 1.1 (``gen_sig``,
    ``gen_sig_with_userbuf``), with the same parameters and defaults."""

    def __init__(self, sdkappid: int, key: str) -> None:
        self._signer = Signer(int(sdkappid), key, compression=Compression.STORED)

    def genUserSig(self, userid: object, expire: int = DEFAULT_EXPIRE) -> str:  # noqa: N802
        """A UserSig for ``userid``, valid for ``expire`` seconds (default 180 days)."""
        return self._signer.user_sig(str(userid), int(expire), time=int(_time.time()))

    def genPrivateMapKey(self, userid: object, expire: int, roomid: int,  # noqa: N802
                         privilegeMap: int) -> str:  # noqa: N803
        """A TRTC PrivateMapKey for the numeric room ``roomid`` granting ``privilegeMap``."""
        return self._signer.private_map_key(str(userid), int(expire), int(roomid),
                                            int(privilegeMap), time=int(_time.time()))

    def genPrivateMapKeyWithStringRoomID(self, userid: object, expire: int,  # noqa: N802
                                         roomstr: object, privilegeMap: int) -> str:  # noqa: N803
        """A TRTC PrivateMapKey for the string room ``roomstr`` granting ``privilegeMap``."""
        return self._signer.private_map_key(str(userid), int(expire), str(roomstr),
                                            int(privilegeMap), time=int(_time.time()))

    def gen_sig(self, identifier: object, expire: int = DEFAULT_EXPIRE) -> str:
        """PyPI 1.1's name for :meth:`genUserSig`."""
        return self._signer.user_sig(str(identifier), int(expire), time=int(_time.time()))

    def gen_sig_with_userbuf(self, identifier: object, expire: int,
                             userbuf: Union[bytes, bytearray]) -> str:
        """A UserSig carrying ``userbuf`` (bytes) as ``TLS.userbuf``."""
        return self._signer.user_sig(str(identifier), int(expire), userbuf=bytes(userbuf),
                                     time=int(_time.time()))

    def __repr__(self) -> str:
        return "TLSSigAPIv2(sdkappid=%d, key=<redacted>)" % self._signer.sdkappid


__all__ = ["TLSSigAPIv2"]
