/**
 * Test certificates, made afresh with the `openssl` command for each test run (no key material is kept in
 * the repository): a CA, a server certificate for 127.0.0.1 and localhost signed by it, a client certificate
 * signed by it (for mutual TLS), and a second CA that signed nothing of these (a stranger to both sides).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificates {
  /** The CA that signed the server's and the client's certificates (PEM file). */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client key encrypted with `clientKeyPassphrase`. */
  readonly clientKeyEncrypted: string;
  readonly clientKeyPassphrase: string;
  /** A CA that signed none of the above. */
  readonly otherCa: string;
}

export const TEST_CA_NAME = "gp-harness test CA";

/** Writes the certificates into `dir` and returns their paths. */
export function makeTestCertificates(dir: string): TestCertificates {
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const selfSignedCa = (name: string, cn: string) =>
    openssl(
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${cn}`],
      ...["-keyout", `${name}.key`, "-out", `${name}.pem`],
      ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    );
  selfSignedCa("ca", TEST_CA_NAME);
  selfSignedCa("other-ca", "a CA nobody trusts");
  const signed = (name: string, cn: string, extensions: string) => {
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(
      ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${cn}`],
      ...["-keyout", `${name}.key`, "-out", `${name}.csr`],
    );
    openssl(
      ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"],
      ...["-days", "2", "-out", `${name}.pem`, "-extfile", `${name}.ext`],
    );
  };
  signed(
    "server",
    "localhost",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
  );
  signed("client", "gp-harness consumer", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
  const passphrase = "client-key-passphrase";
  openssl(
    ...["pkey", "-in", "client.key", "-aes256", "-passout", `pass:${passphrase}`],
    ...["-out", "client-encrypted.key"],
  );
  return {
    ca: path("ca.pem"),
    serverCert: path("server.pem"),
    serverKey: path("server.key"),
    clientCert: path("client.pem"),
    clientKey: path("client.key"),
    clientKeyEncrypted: path("client-encrypted.key"),
    clientKeyPassphrase: passphrase,
    otherCa: path("other-ca.pem"),
  };
}

/** A PEM file's text. */
export function pem(file: string): string {
  return readFileSync(file, "utf8");
}
