// What the clinic scenarios need besides the app: a SoftHSM2 token made here
// (a key generated on it, a certificate from a throwaway CA — nothing
// committed), and the OQS terminal simulator (target/debug/okusuri-oqs-sim)
// watching real req/res folders. Test support only.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./support.mjs";

export const FIXTURES = join(ROOT, "crates/eps/tests/fixtures");
export const PIN = "hpki-e2e-4821";
const SIM = join(ROOT, "target/debug/okusuri-oqs-sim");

/** SoftHSM2's PKCS#11 module on this machine. */
export function softhsmModule() {
  const found = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"].find((p) => existsSync(p));
  if (!found) throw new Error("SoftHSM2 is not installed (scripts/setup-debian.sh)");
  return found;
}

/**
 * A token labelled HPKI-E2E in `dir` holding an RSA key and a signing
 * (nonRepudiation) certificate for "E2E DOCTOR"; returns SOFTHSM2_CONF and the CA.
 */
export function makeToken(dir) {
  mkdirSync(join(dir, "tokens"), { recursive: true });
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: dir, env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: ["ignore", "pipe", "pipe"] });
  const module = softhsmModule();
  run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
    "-subj", "/C=JP/O=TEST ONLY/CN=TEST CA (okusuri e2e)", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run("softhsm2-util", ["--init-token", "--free", "--label", "HPKI-E2E", "--so-pin", "12345678", "--pin", PIN]);
  const p11 = (args) => run("pkcs11-tool", ["--module", module, "--token-label", "HPKI-E2E", "--login", "--pin", PIN, ...args]);
  p11(["--keypairgen", "--key-type", "rsa:2048", "--id", "01", "--label", "Private key of HPKI"]);
  p11(["--read-object", "--type", "pubkey", "--id", "01", "-o", "pub.der"]);
  run("openssl", ["pkey", "-pubin", "-inform", "DER", "-in", "pub.der", "-out", "pub.pem"]);
  writeFileSync(join(dir, "leaf.ext"), "keyUsage=critical,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n");
  run("openssl", ["x509", "-new", "-force_pubkey", "pub.pem", "-subj", "/C=JP/O=TEST ONLY/CN=E2E DOCTOR", "-CA", "ca.pem", "-CAkey", "ca.key",
    "-days", "30", "-extfile", "leaf.ext", "-outform", "DER", "-out", "leaf.der"]);
  p11(["--write-object", "leaf.der", "--type", "cert", "--id", "01", "--label", "HPKI END ENTITY CERTIFICATE"]);
  return { conf, ca: join(dir, "ca.pem"), module };
}

/**
 * The terminal simulator on `req`/`res` with the fixture masters, `ca` trusted
 * for 電子処方箋, `history` for the duplicate check and `control` to move
 * prescriptions on; `fault` (none, late, no-answer…) in every answer.
 */
export function startSimulator({ req, res, ca, history, control, fault = "none", lateMs = 0 }) {
  const args = [
    "--req", req, "--res", res,
    "--master", join(FIXTURES, "y-slice.csv"),
    "--generic-master", join(FIXTURES, "ippan-slice.csv"),
    "--usage", join(FIXTURES, "jami-usage-codes.json"),
    "--trust", ca, "--history", history, "--control", control,
    "--delay-ms", "0", "--poll-ms", "10", "--fault", fault,
  ];
  if (lateMs) args.push("--late-ms", String(lateMs));
  const child = spawn(SIM, args, { stdio: ["ignore", "inherit", "inherit"] });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        await new Promise((r) => child.once("exit", r));
      }
    },
  };
}

/** The operation table the simulator answers to (its placeholders for vendor-only names). */
export function writeSimOperations(path) {
  execFileSync(SIM, ["--write-operations", path]);
}
