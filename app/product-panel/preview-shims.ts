/**
 * The demo preview's stand-in for the Shopify admin, as browser script text
 * (served inline by extension-preview.server.ts): minimal custom elements for
 * the s-* tags the product page extensions use (plain tags such as s-stack
 * and s-badge are styled by the page's CSS only), the `shopify` global, and a
 * fetch that attaches a fresh ID token to the app's extension endpoints.
 * Only what the two extensions need; it is not Polaris.
 */
export const PREVIEW_SHIMS_JS = String.raw`(() => {
  const stage = window.__SHOTLANE_PREVIEW__;

  /** Light-DOM children never show; each element draws itself in its shadow root. */
  class Shadowed extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      new MutationObserver(() => this.draw()).observe(this, { childList: true, subtree: true, characterData: true, attributes: true });
    }
    connectedCallback() { this.draw(); }
    draw() {}
  }

  customElements.define("s-button", class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML = '<button part="button" type="button"><slot></slot></button>';
      this.button = root.querySelector("button");
      // Registered first, so a disabled or loading button's click never reaches the extension's handler.
      this.addEventListener("click", (event) => { if (this.hasAttribute("disabled") || this.hasAttribute("loading")) event.stopImmediatePropagation(); }, true);
      new MutationObserver(() => this.sync()).observe(this, { attributes: true });
    }
    connectedCallback() { this.sync(); }
    sync() {
      this.button.disabled = this.hasAttribute("disabled") || this.hasAttribute("loading");
      this.button.style.fontWeight = this.getAttribute("variant") === "primary" ? "650" : "";
    }
  });

  /** app: opens the app's page; extension:// opens another extension's preview; shopify:admin has no stand-in. */
  const linkTarget = (href) => {
    if (!href) return "#";
    if (href.startsWith("app:")) return "/" + href.slice(4).replace(/^\/+/, "");
    if (href.startsWith("extension://")) return "/extension-preview/" + href.slice(12) + "?product=" + encodeURIComponent(stage.productId);
    return href.startsWith("shopify:") ? "#" : href;
  };

  customElements.define("s-link", class extends Shadowed {
    draw() {
      if (!this.anchor) { this.shadowRoot.innerHTML = '<a part="link"><slot></slot></a>'; this.anchor = this.shadowRoot.querySelector("a"); }
      this.anchor.href = linkTarget(this.getAttribute("href"));
    }
  });

  customElements.define("s-thumbnail", class extends Shadowed {
    draw() {
      if (!this.img) { this.shadowRoot.innerHTML = '<img part="image" style="width:64px;height:80px;object-fit:cover;border-radius:8px;background:#f1f1f1">'; this.img = this.shadowRoot.querySelector("img"); }
      this.img.src = this.getAttribute("src") || "";
      this.img.alt = this.getAttribute("alt") || "";
    }
  });

  customElements.define("s-select", class extends Shadowed {
    get value() { return this._value ?? ""; }
    set value(value) { this._value = value; this.draw(); }
    draw() {
      const options = [...this.querySelectorAll("s-option")].map((o) => [o.getAttribute("value") || "", o.textContent || ""]);
      this.shadowRoot.innerHTML = "";
      const label = document.createElement("label");
      label.textContent = (this.getAttribute("label") || "") + " ";
      const select = document.createElement("select");
      for (const [value, text] of options) select.append(new Option(text, value, false, value === this.value));
      select.addEventListener("change", () => { this._value = select.value; this.dispatchEvent(new Event("change")); });
      label.append(select);
      this.shadowRoot.append(label);
    }
  });

  customElements.define("s-choice-list", class extends Shadowed {
    get values() { return this._values ?? []; }
    set values(values) { this._values = [...(values || [])]; this.draw(); }
    draw() {
      const choices = [...this.querySelectorAll("s-choice")].map((c) => [c.getAttribute("value") || "", c.textContent || ""]);
      this.shadowRoot.innerHTML = "";
      const set = document.createElement("fieldset");
      set.style.border = "0"; set.style.padding = "0";
      const legend = document.createElement("legend");
      legend.textContent = this.getAttribute("label") || "";
      set.append(legend);
      for (const [value, text] of choices) {
        const label = document.createElement("label");
        label.style.display = "block";
        const box = document.createElement("input");
        box.type = this.hasAttribute("multiple") ? "checkbox" : "radio";
        box.name = this.getAttribute("name") || "choices";
        box.value = value;
        box.checked = this.values.includes(value);
        box.addEventListener("change", () => {
          this._values = [...set.querySelectorAll("input")].filter((i) => i.checked).map((i) => i.value);
          this.dispatchEvent(new Event("change"));
        });
        label.append(box, " " + text);
        set.append(label);
      }
      this.shadowRoot.append(set);
    }
  });

  const idToken = async () => {
    const response = await fetch(stage.tokenUrl, { cache: "no-store" });
    return (await response.json()).idToken;
  };

  // The admin adds the ID token to the extension's fetches to the app's own domain; so does this stand-in.
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url, location.origin);
    if (url.origin !== location.origin || !url.pathname.startsWith("/api/extension/")) return realFetch(input, init);
    const headers = new Headers(init.headers);
    headers.set("Authorization", "Bearer " + (await idToken()));
    return realFetch(url, { ...init, headers });
  };

  const say = (text) => {
    const note = document.createElement("p");
    note.className = "preview-note";
    note.setAttribute("role", "status");
    note.textContent = text;
    document.documentElement.append(note);
  };

  window.shopify = {
    extension: { target: stage.target },
    data: { selected: [{ id: stage.productId }] },
    auth: { idToken },
    i18n: { translate: (key) => key, formatNumber: (n) => String(n), formatCurrency: (n) => String(n), formatDate: (d) => String(d) },
    navigation: { navigate: (url) => { location.href = linkTarget(String(url)); } },
    close: () => say("The admin closed the action (demo preview)."),
    toast: { show: (message) => say(message), hide: () => undefined },
    query: async () => ({ errors: [{ message: "The demo preview has no Direct API access" }] }),
  };

  import(stage.bundleUrl).then((module) => module.default()).catch((error) => say("The extension could not start: " + error.message));
})();`;
