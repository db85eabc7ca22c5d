// Entry point of the webview.
import { start } from "./shared/router";

const root = document.getElementById("app");
if (root) {
  void start(root);
}
