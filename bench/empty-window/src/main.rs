//! An empty Tauri window: the reference Tock's start-up, memory and idle CPU are compared with.
//! With TOCK_EXIT_AFTER_PAINT=1 it prints "painted" and exits once the page reports its first paint.

#[tauri::command]
fn painted(app: tauri::AppHandle) {
    if std::env::var_os("TOCK_EXIT_AFTER_PAINT").is_some() {
        println!("painted");
        app.exit(0);
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("the empty window opens");
}
