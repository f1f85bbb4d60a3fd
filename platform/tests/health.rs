//! The server answers over real HTTP on a random port.

use marketlab::startup::{Application, Settings};

async fn spawn_app(demo: bool) -> String {
    let app = Application::build(Settings {
        bind: "127.0.0.1:0".into(),
        demo,
    })
    .await
    .expect("the application builds");
    let address = format!("http://{}", app.address());
    actix_web::rt::spawn(app.run_until_stopped());
    address
}

#[actix_web::test]
async fn health_lists_the_demo_books() {
    let address = spawn_app(true).await;
    let mut response = awc::Client::default()
        .get(format!("{address}/health"))
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_success());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["books"],
        serde_json::json!(["ACME", "BOLT", "CORE", "DYNA"])
    );
}

#[actix_web::test]
async fn health_on_an_empty_market() {
    let address = spawn_app(false).await;
    let mut response = awc::Client::default()
        .get(format!("{address}/health"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["books"], serde_json::json!([]));
}
