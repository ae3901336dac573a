// Types of `usersig/compat`: the API of the npm SDK tls-sig-api-v2 (1.0.2). See README.md for
// every difference from the SDK.

export class Api {
  /** `sdkappid`: a number or a numeric string; `key`: a string (as UTF-8) or a Buffer. */
  constructor(sdkappid: number | string | bigint, key: string | Uint8Array);
  /** The SDKAppID as given. */
  readonly sdkappid: number | string | bigint;
  /** A UserSig valid for `expire` seconds, carrying `userBuf` unless it is null or undefined. */
  genSig(userid: string | number, expire: number | string, userBuf?: Uint8Array | string | number[] | null): string;
  /** A UserSig valid for `expire` seconds. */
  genUserSig(userid: string | number, expire: number | string): string;
  /** A TRTC PrivateMapKey for numeric room `roomid` granting `privilegeMap` (0-255). */
  genPrivateMapKey(userid: string | number, expire: number | string, roomid: number | string, privilegeMap: number): string;
  /** A TRTC PrivateMapKey for string room `roomstr` granting `privilegeMap` (0-255). */
  genPrivateMapKeyWithStringRoomID(userid: string | number, expire: number | string, roomstr: string | number | null,
    privilegeMap: number): string;
}
