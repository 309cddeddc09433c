// The seed's Express backend, for comparison: same routes and policy as the playground's
// default (exact origin, credentials, Content-Type and Authorization allowed).
// Usage: node server.js PORT FRONTEND_ORIGIN JWT_SECRET
const crypto = require("crypto");
const express = require("express");
const cors = require("cors");
const cookieParser = require("cookie-parser");
const jwt = require("jsonwebtoken");

const [port = "0", origin = "http://localhost:8080", secret = "mySecretKey"] = process.argv.slice(2);
const users = [
  { id: 1, email: "a@b.com", password: "123" },
  { id: 2, email: "bob@example.com", password: "hunter2" },
];
const sessionStore = {};

const app = express();
app.use(cors({ origin, credentials: true, methods: ["GET", "POST"], allowedHeaders: ["Content-Type", "Authorization"] }));
app.use(express.json({ limit: "64kb" }));
app.use(cookieParser());

const publicUser = (u) => ({ id: u.id, email: u.email });

app.post("/api/login", (req, res) => {
  // The seed compares plain passwords; the playground verifies argon2id hashes.
  const user = users.find((u) => u.email === req.body?.email && u.password === req.body?.password);
  if (!user) return res.status(401).json({ error: "invalid_credentials" });
  const id = crypto.randomBytes(16).toString("base64url");
  sessionStore[id] = { userId: user.id };
  res.cookie("sessionId", id, { httpOnly: true, sameSite: "lax", maxAge: 1800 * 1000 });
  res.json({ user: publicUser(user) });
});

app.post("/api/token", (req, res) => {
  const user = users.find((u) => u.email === req.body?.email && u.password === req.body?.password);
  if (!user) return res.status(401).json({ error: "invalid_credentials" });
  const token = jwt.sign({ sub: String(user.id), email: user.email }, secret, { algorithm: "HS256", expiresIn: 3600 });
  res.json({ token, token_type: "Bearer", expires_in: 3600 });
});

app.get("/api/profile", (req, res) => {
  const auth = req.headers.authorization;
  if (auth && auth.startsWith("Bearer ")) {
    try {
      const claims = jwt.verify(auth.slice(7), secret, { algorithms: ["HS256"] });
      const user = users.find((u) => String(u.id) === claims.sub);
      if (!user) return res.status(401).json({ error: "unknown_user" });
      return res.json({ user: publicUser(user), auth: "jwt" });
    } catch (e) {
      return res.status(401).json({ error: "bad_token" });
    }
  }
  const session = sessionStore[req.cookies.sessionId];
  if (!session) return res.status(401).json({ error: "no_credentials" });
  res.json({ user: publicUser(users.find((u) => u.id === session.userId)), auth: "session" });
});

const server = app.listen(Number(port), "127.0.0.1", () => {
  console.log(`express listening on http://127.0.0.1:${server.address().port}`);
});
