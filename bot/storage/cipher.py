"""Encryption of the chat ids we must keep to answer (Fernet, key derived from PSEUDONYM_KEY)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class ChatCipher:
    """Encrypts and decrypts Telegram chat ids; the key never leaves the process."""

    def __init__(self, pseudonym_key: bytes) -> None:
        # A separate key from the pseudonym HMAC key: the same secret, another purpose.
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"relais chat id v1").derive(
            pseudonym_key
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def encrypt(self, chat_id: int) -> bytes:
        return self._fernet.encrypt(str(chat_id).encode())

    def decrypt(self, token: bytes) -> int:
        return int(self._fernet.decrypt(token).decode())

    def encrypt_text(self, text: str) -> bytes:
        """A relayed message waiting in the outbox (deleted once delivered)."""
        return self._fernet.encrypt(text.encode())

    def decrypt_text(self, token: bytes) -> str:
        return self._fernet.decrypt(token).decode()
