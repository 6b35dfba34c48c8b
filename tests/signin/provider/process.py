"""Start the test OpenID Connect provider (settings.py beside this) as its own process:
gunicorn on a free loopback port, its own SQLite database, a fresh RSA signing key."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.signin.directory_server import free_port

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID = "yardstick-test-client"
CLIENT_SECRET = "yardstick-test-client-secret-0123456789"


class ProviderProcess:
    def __init__(self, folder: Path, yardstick_url: str):
        self.folder = folder
        self.port = free_port()
        self.yardstick_url = yardstick_url.rstrip("/")
        self.process: subprocess.Popen | None = None
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.signin.provider.settings",
            "PROVIDER_DB": str(folder / "provider.sqlite3"),
            "PROVIDER_ISSUER": self.issuer,
            "PROVIDER_RSA_KEY": pem,
            "PYTHONPATH": str(ROOT),
        }

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "tests.signin.provider.manage_provider", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> ProviderProcess:
        self.manage(
            "setup",
            f"{self.yardstick_url}/accounts/oidc/callback/",
            f"{self.yardstick_url}/accounts/login/",
            CLIENT_ID,
            CLIENT_SECRET,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tests.signin.provider.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the provider stopped: " + self.process.stderr.read().decode())
            try:
                if requests.get(discovery, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the provider did not answer in 30 s")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
