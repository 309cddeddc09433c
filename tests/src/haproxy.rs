//! HAProxy with the scaling lab's configuration.

use super::*;

/// HAProxy (`PLAYGROUND_HAPROXY`) with the scaling lab's configuration, stopped on drop.
pub struct Haproxy {
    child: Child,
    dir: PathBuf,
}

impl Haproxy {
    pub fn start(layout: &xtask::haproxy::Layout) -> Haproxy {
        let bin = required_path("PLAYGROUND_HAPROXY");
        let dir = std::env::temp_dir().join(format!("playground-haproxy-{}-{}", std::process::id(), layout.round_robin.port()));
        std::fs::create_dir_all(&dir).expect("a folder for the configuration");
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, xtask::haproxy::config(layout)).expect("the configuration is written");
        // Its messages (servers going down for maintenance, …) are noise in a passing test;
        // they are shown when it does not start.
        let messages = dir.join("haproxy.log");
        let log = std::fs::File::create(&messages).expect("a file for HAProxy's messages");
        let child = Command::new(&bin)
            .arg("-db")
            .arg("-f")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut haproxy = Haproxy { child, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        let listening = |address: &str| match address.parse::<SocketAddr>() {
            Ok(tcp) => std::net::TcpStream::connect(tcp).is_ok(),
            Err(_) => std::os::unix::net::UnixStream::connect(address).is_ok(),
        };
        for address in [layout.round_robin.to_string(), layout.sticky.to_string(), layout.admin.display().to_string()] {
            while !listening(&address) {
                let stopped = matches!(haproxy.child.try_wait(), Ok(Some(_)));
                if stopped || Instant::now() > deadline {
                    let said = std::fs::read_to_string(&messages).unwrap_or_default();
                    panic!("HAProxy does not listen on {address}; it said:\n{said}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        haproxy
    }

    /// Every TCP port HAProxy's process listens on, from `/proc`: its sockets' inodes among the
    /// listening sockets of `/proc/net/tcp` and `tcp6`.
    pub fn tcp_ports(&self) -> Vec<u16> {
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).expect("HAProxy's open files");
        let inodes: Vec<String> = fds
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .filter_map(|target| Some(target.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned()))
            .collect();
        let mut ports = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            for line in std::fs::read_to_string(table).unwrap_or_default().lines().skip(1) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the tenth field.
                let (Some(local), Some(&"0A"), Some(inode)) = (fields.get(1), fields.get(3), fields.get(9)) else { continue };
                if inodes.iter().any(|i| i == inode)
                    && let Some(port) = local.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok())
                {
                    ports.push(port);
                }
            }
        }
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// Stops it now (the instances keep running).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
