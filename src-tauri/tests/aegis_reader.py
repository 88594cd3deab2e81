#!/usr/bin/env python3
"""An independent reader of Aegis encrypted vaults, for src-tauri/tests/autobackup.rs.

Written from Aegis's docs/vault.md (github.com/beemdevelopment/Aegis), not from Tock's code, with the
`cryptography` package (Debian: python3-cryptography): for each password slot (type 1), scrypt(password,
salt, N, r, p) gives a 32-byte key that AES-256-GCM-decrypts the slot's `key` (nonce and tag in
`key_params`) into the master key; the master key AES-256-GCM-decrypts `db` (base64; nonce and tag in
`header.params`) into the database JSON.

Usage: aegis_reader.py VAULT PASSWORD_FILE [UNIX_TIME]

Prints one JSON object: the database's version, its "tock" object (null if absent), and per entry its
type, issuer, name, secret (base32), algo, digits, period or counter, the entry's "tock" object, and, with
UNIX_TIME, the TOTP code at that time computed here (RFC 6238) for totp entries.
"""
import base64
import hashlib
import hmac
import json
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def master_key(header, password):
    for slot in header["slots"]:
        if slot["type"] != 1:
            continue
        derived = Scrypt(
            salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"]
        ).derive(password)
        params = slot["key_params"]
        sealed = bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"])
        try:
            return AESGCM(derived).decrypt(bytes.fromhex(params["nonce"]), sealed, None)
        except InvalidTag:
            continue
    sys.exit("aegis_reader: no password slot opens with this password")


def totp(secret_b32, algo, digits, period, at):
    padded = secret_b32.upper() + "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(padded)
    digest = getattr(hashlib, algo.lower())
    mac = hmac.new(key, struct.pack(">Q", at // period), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        vault = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        password = f.read().split("\n")[0].rstrip("\r").encode("utf-8")
    at = int(sys.argv[3]) if len(sys.argv) == 4 else None
    if vault.get("version") != 1:
        sys.exit("aegis_reader: not an Aegis vault of version 1")
    header = vault["header"]
    key = master_key(header, password)
    params = header["params"]
    sealed_db = base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"])
    db = json.loads(AESGCM(key).decrypt(bytes.fromhex(params["nonce"]), sealed_db, None))
    entries = []
    for e in db["entries"]:
        info = e["info"]
        item = {
            "type": e["type"],
            "uuid": e["uuid"],
            "issuer": e["issuer"],
            "name": e["name"],
            "note": e.get("note", ""),
            "secret": info["secret"],
            "algo": info["algo"],
            "digits": info["digits"],
            "period": info.get("period"),
            "counter": info.get("counter"),
            "tock": e.get("tock"),
        }
        if at is not None and e["type"] == "totp":
            item["code"] = totp(info["secret"], info["algo"], info["digits"], info["period"], at)
        entries.append(item)
    print(json.dumps({"version": db["version"], "tock": db.get("tock"), "entries": entries}))


if __name__ == "__main__":
    main()
