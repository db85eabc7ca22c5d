/* A stand-in okusuri-desk.exe for the MSI template test (tests/msi/template-test.sh):
 * `--version` prints the version it was built as; every run appends
 * "VERSION args" to C:\app-runs.txt (so the test sees the MSI relaunch it);
 * `write` puts a data file in %ProgramData%\Okusuri Desk, as the app keeps data
 * outside its install folder. Built with x86_64-w64-mingw32-gcc -DAPP_VERSION=\"x.y.z\". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

int main(int argc, char **argv) {
    FILE *runs = fopen("C:\\app-runs.txt", "a");
    if (runs) {
        fputs(APP_VERSION, runs);
        for (int i = 1; i < argc; i++) fprintf(runs, " %s", argv[i]);
        fputc('\n', runs);
        fclose(runs);
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("Okusuri Desk %s\n", APP_VERSION);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "write") == 0) {
        char dir[MAX_PATH], file[MAX_PATH];
        const char *pd = getenv("ProgramData");
        snprintf(dir, sizeof dir, "%s\\Okusuri Desk", pd ? pd : "C:\\ProgramData");
        CreateDirectoryA(dir, NULL);
        snprintf(file, sizeof file, "%s\\okusuri.db", dir);
        FILE *db = fopen(file, "w");
        if (!db) return 1;
        fputs("patient data\n", db);
        fclose(db);
    }
    return 0;
}
