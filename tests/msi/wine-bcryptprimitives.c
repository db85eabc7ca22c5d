/* Wine 8.0 (Debian 12) has no bcryptprimitives.dll, which Rust's standard
 * library imports on Windows for ProcessPrng (present on every Windows 10 and
 * later). scripts/test-msi-real.sh puts this stand-in into the wine prefix's
 * system32 — never into the MSI — so the real exe can load under wine. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
