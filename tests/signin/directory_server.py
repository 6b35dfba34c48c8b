"""A real OpenLDAP server (Debian's slapd) for the tests, on loopback ports, with TLS.

``Directory.start()`` writes a certificate authority and a server certificate, a slapd.conf
(mdb database, the ppolicy overlay so that a locked account is refused by the server
itself, as Active Directory refuses a disabled one), starts slapd listening on
ldap:// (StartTLS) and ldaps://, and loads the test directory.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import subprocess
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = "/usr/sbin/slapd"
BASE = "dc=yardstick,dc=test"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "directory-root-secret"
SERVICE_DN = f"cn=yardstick,ou=services,{BASE}"
SERVICE_PASSWORD = "service-account-secret"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")

# uid: (given name, surname, password, groups)
PEOPLE = {
    "ada": ("Ada", "Analyst", "ada-directory-pw", ["yardstick-analysts", "east-asia"]),
    "leo": ("Leo", "Lead", "leo-directory-pw", ["yardstick-leads", "east-asia-leads"]),
    "mia": ("Mia", "Manager", "mia-directory-pw", ["yardstick-leadership"]),
    "dan": ("Dan", "Disabled", "dan-directory-pw", ["yardstick-analysts", "east-asia"]),
    "nia": ("Nia", "Nobody", "nia-directory-pw", []),
}
DISABLED = {"dan"}
GROUPS = [
    "yardstick-analysts",
    "yardstick-leads",
    "yardstick-leadership",
    "east-asia",
    "east-asia-leads",
]

MAPPING = {
    # By DN and by name: both forms work.
    f"cn=yardstick-analysts,ou=groups,{BASE}": ["analyst"],
    "yardstick-leads": ["lead"],
    "Yardstick-Leadership": "leadership",
    "east-asia": ["member:east-asia"],
    "east-asia-leads": ["member:east-asia", "lead:east-asia"],
}


def person_dn(uid: str) -> str:
    return f"uid={uid},ou=people,{BASE}"


def group_dn(name: str) -> str:
    return f"cn={name},ou=groups,{BASE}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _certificates(folder: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Yardstick test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(server.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: yardstick\no: Test",
        f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups",
        f"dn: ou=services,{BASE}\nobjectClass: organizationalUnit\nou: services",
        f"dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies",
        f"dn: cn=default,ou=policies,{BASE}\nobjectClass: person\nobjectClass: pwdPolicy\n"
        "cn: default\nsn: policy\npwdAttribute: userPassword\npwdLockout: TRUE",
        f"dn: {SERVICE_DN}\nobjectClass: person\nobjectClass: simpleSecurityObject\n"
        f"cn: yardstick\nsn: service\nuserPassword: {SERVICE_PASSWORD}",
    ]
    for uid, (given, surname, password, _groups) in PEOPLE.items():
        entry = (
            f"dn: {person_dn(uid)}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {given} "
            f"{surname}\ngivenName: {given}\nsn: {surname}\nmail: {uid}@directory.test\n"
            f"userPassword: {password}"
        )
        if uid in DISABLED:
            entry += "\npwdAccountLockedTime: 000001010000Z"  # locked for good: disabled
        entries.append(entry)
    for group in GROUPS:
        members = [person_dn(uid) for uid, p in PEOPLE.items() if group in p[3]]
        lines = [f"dn: {group_dn(group)}", "objectClass: groupOfNames", f"cn: {group}"]
        lines += [f"member: {dn}" for dn in members or [SERVICE_DN]]
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


class Directory:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.tls_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.pem")

    def environment(self, **overrides: str) -> dict[str, str]:
        """The YARDSTICK_LDAP_* variables a site would set for this directory."""
        return {
            "YARDSTICK_LDAP_SERVER_URI": self.uri,
            "YARDSTICK_LDAP_START_TLS": "1",
            "YARDSTICK_LDAP_CA_FILE": self.ca_file,
            "YARDSTICK_LDAP_BIND_DN": SERVICE_DN,
            "YARDSTICK_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "YARDSTICK_LDAP_USER_SEARCH_BASE": f"ou=people,{BASE}",
            "YARDSTICK_LDAP_GROUP_SEARCH_BASE": f"ou=groups,{BASE}",
            "YARDSTICK_LDAP_GROUP_TYPE": "groupOfNames",
            **overrides,
        }

    def start(self) -> Directory:
        _certificates(self.folder)
        data = self.folder / "data"
        data.mkdir()
        schemas = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
        conf = self.folder / "slapd.conf"
        conf.write_text(
            f"""{schemas}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {self.folder}/slapd.pid
TLSCACertificateFile {self.folder}/ca.pem
TLSCertificateFile {self.folder}/server.pem
TLSCertificateKeyFile {self.folder}/server.key
database mdb
maxsize 16777216
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {data}
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{BASE}"
access to attrs=userPassword by anonymous auth by * none
access to * by users read by anonymous auth
"""
        )
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(conf), "-h", f"{self.uri}/ {self.ldaps_uri}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("slapd stopped: " + self.process.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("slapd did not open its ports in 20 s") from None
                time.sleep(0.1)
        self.modify(_ldif(), add=True)
        return self

    def modify(self, ldif: str, *, add: bool = False) -> None:
        """ldapadd / ldapmodify as the directory's administrator, over StartTLS."""
        command = [
            "ldapadd" if add else "ldapmodify",
            "-x",
            "-ZZ",
            "-H",
            self.uri,
            "-D",
            ROOT_DN,
            "-w",
            ROOT_PASSWORD,
        ]
        result = subprocess.run(
            command,
            input=ldif,
            text=True,
            capture_output=True,
            env={**os.environ, "LDAPTLS_CACERT": self.ca_file, "LDAPTLS_REQCERT": "demand"},
            timeout=30,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr}")

    def remove_from_group(self, uid: str, group: str) -> None:
        self.modify(
            f"dn: {group_dn(group)}\nchangetype: modify\ndelete: member\nmember: {person_dn(uid)}\n"
        )

    def add_to_group(self, uid: str, group: str) -> None:
        self.modify(
            f"dn: {group_dn(group)}\nchangetype: modify\nadd: member\nmember: {person_dn(uid)}\n"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
