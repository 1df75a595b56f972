//! Records the git commit and the versions of the crates that affect results, for manifests.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    // In a linked worktree `.git` is a file, and a path that does not exist makes cargo run this
    // script (and rebuild the crate) on every build: ask git where HEAD really is.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--git-path", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| ".git/HEAD".into());
    println!("cargo:rerun-if-changed={head}");
    if let Ok(out) = std::process::Command::new("git").args(["rev-parse", "HEAD"]).output()
        && out.status.success()
    {
        let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
        println!("cargo:rustc-env=REVSIM_GIT_COMMIT={commit}");
    }
    if let Ok(lock) = std::fs::read_to_string("Cargo.lock") {
        let mut name = String::new();
        for line in lock.lines() {
            if let Some(n) = line.strip_prefix("name = ") {
                name = n.trim_matches('"').to_string();
            } else if let Some(v) = line.strip_prefix("version = ") {
                let var = match name.as_str() {
                    "bevy_ecs" => "REVSIM_DEP_BEVY_ECS",
                    "rand" => "REVSIM_DEP_RAND",
                    "rand_chacha" => "REVSIM_DEP_RAND_CHACHA",
                    _ => continue,
                };
                println!("cargo:rustc-env={var}={}", v.trim_matches('"'));
            }
        }
    }
}
