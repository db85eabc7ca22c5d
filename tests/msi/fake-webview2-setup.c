/* Stands in for MicrosoftEdgeWebview2Setup.exe in the MSI template test: records
 * the arguments the MSI ran it with in C:\webview2-setup.txt. */
#include <stdio.h>

int main(int argc, char **argv) {
    FILE *log = fopen("C:\\webview2-setup.txt", "a");
    if (!log) return 1;
    for (int i = 1; i < argc; i++) fprintf(log, "%s%s", i > 1 ? " " : "", argv[i]);
    fputc('\n', log);
    fclose(log);
    return 0;
}
