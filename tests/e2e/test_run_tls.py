"""`stampede run` over https against nginx with a certificate from a CA made for the test:
verification fails against the system's CAs, passes with --insecure, and passes against our CA
(SSL_CERT_FILE) for a name and for an IP address in the certificate; a wrong name fails."""

import os
import subprocess
import unittest

import harness
from harness import run_stampede
from test_run_nginx import NGINX, STATIC_SIZE, Nginx

CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {dir}/nginx.pid;
lock_file {dir}/nginx.lock;
error_log {dir}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        listen 127.0.0.2:{port} ssl;
        ssl_certificate {dir}/server.pem;
        ssl_certificate_key {dir}/server.key;
        root {dir}/www;
        location = /static.bin {{ }}
        location /upstream/ {{
            proxy_pass http://127.0.0.1:{upstream_port}/;
            proxy_buffering off;
            proxy_http_version 1.1;
        }}
    }}
}}
"""


def make_certificates(directory):
    """A CA, and a server certificate it signs for localhost and 127.0.0.1."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True,
                       timeout=60)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=stampede test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
            "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(directory, "san.ext"), "w", encoding="ascii") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")


@unittest.skipUnless(os.access(NGINX, os.X_OK), f"{NGINX} is not installed (Debian nginx-light)")
class RunTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.stampede_bin()
        cls.upstream = harness.ServeProcess(["--threads", "1"])
        cls.upstream.start()
        cls.nginx = Nginx(cls.upstream.port, config=CONFIG, prepare=make_certificates)
        try:
            cls.nginx.start()
        except Exception:
            cls.upstream.stop()
            raise
        cls.trusting_env = dict(os.environ, SSL_CERT_FILE=os.path.join(cls.nginx.dir, "ca.pem"))

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.upstream.stop()

    def url(self, host, path):
        return f"https://{host}:{self.nginx.port}{path}"

    def level(self, run):
        self.assertEqual(run.returncode, 0, run.describe())
        return run.json["levels"][0]

    def test_unknown_ca_fails_verification(self):
        level = self.level(run_stampede(self.url("127.0.0.1", "/static.bin"), "--users", "3"))
        self.assertEqual(level["succeeded"], 0)
        self.assertEqual(level["errors"], {"tls": 3})

    def test_insecure_skips_verification(self):
        level = self.level(run_stampede(self.url("127.0.0.1", "/static.bin"), "--users", "3",
                                        "--insecure"))
        self.assertEqual(level["succeeded"], 3)
        self.assertEqual(level["metrics"]["bytes"]["min"], STATIC_SIZE)

    def test_trusted_ca_verifies_ip_and_name(self):
        for host in ("127.0.0.1", "localhost"):
            with self.subTest(host=host):
                level = self.level(run_stampede(self.url(host, "/static.bin"), "--users", "3",
                                                env=self.trusting_env))
                self.assertEqual(level["succeeded"], 3, level["errors"])
                self.assertEqual(level["metrics"]["bytes"]["max"], STATIC_SIZE)

    def test_name_not_in_certificate_fails(self):
        # nginx listens on 127.0.0.2 too, but the certificate does not name that address.
        level = self.level(run_stampede(self.url("127.0.0.2", "/static.bin"), "--users", "2",
                                        env=self.trusting_env))
        self.assertEqual(level["errors"], {"tls": 2})

    def test_sse_stream_over_tls(self):
        level = self.level(run_stampede(
            self.url("localhost", "/upstream/sse?count=5&interval_ms=10&event_bytes=8"),
            "--users", "4", env=self.trusting_env))
        self.assertEqual(level["succeeded"], 4, level["errors"])
        self.assertEqual(level["metrics"]["events"]["min"], 5)
        self.assertEqual(level["metrics"]["events"]["max"], 5)


if __name__ == "__main__":
    unittest.main()
