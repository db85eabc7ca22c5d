// For unit tests: a context like the router's, with the given status and
// API, recording where screens go. Not imported by the app.
import { api as realApi, type Api, type AppStatus, type Permission, type Staff } from "./api";
import type { Context, Route } from "./context";
import { TouchClaims } from "../pharmacy/reader";

/** A signed-in status with `permissions` (a clerk's by default). */
export function signedInStatus(staff: Partial<Staff> = {}, permissions: Permission[] = []): AppStatus {
  return {
    version: "0",
    startup_error: null,
    facility: { code: "PH", name: "薬局", kind: "pharmacy" },
    staff: { id: 1, login_id: "x", display_name: "x", role: "clerk", ...staff },
    permissions,
    must_change_password: false,
    two_factor: false,
    idle_lock_minutes: 10,
    locked: false,
    last_backup: null,
    import_max_bytes: 2 * 1024 * 1024,
    demo: null,
  };
}

/** A context on `api` and `status`; `went` lists the routes it was sent to. */
export function testContext(options: { api?: Api; status?: AppStatus } = {}): { ctx: Context; went: Route[] } {
  const went: Route[] = [];
  const status = options.status ?? signedInStatus();
  const ctx: Context = {
    api: options.api ?? realApi,
    status,
    main: document.createElement("main"),
    signedIn: () => undefined,
    go: (route) => went.push(route),
    onLeave: () => undefined,
    can: (permission) => ctx.status.permissions.includes(permission),
    touchClaims: new TouchClaims(),
    lock: () => went.push({ screen: "lock", resume: { screen: "patientList" } }),
  };
  return { ctx, went };
}
