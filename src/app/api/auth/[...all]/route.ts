import { getAuth } from "@/server/auth";

// better-auth's HTTP API at its default paths (/api/auth/sign-up/email, /api/auth/sign-in/email...).
async function handler(request: Request) {
  const auth = await getAuth();
  return auth.handler(request);
}

export { handler as GET, handler as POST };
