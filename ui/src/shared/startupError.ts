// Shown instead of sign-in when the database could not be opened.
import { h, mount } from "./dom";

export function renderStartupError(main: HTMLElement, message: string): void {
  mount(
    main,
    h(
      "section",
      { class: "card error-card" },
      h("h1", {}, "起動できませんでした"),
      h("pre", { id: "startup-error", role: "alert" }, message),
      h("p", {}, "問題を解決してから、アプリを起動し直してください。"),
    ),
  );
}
