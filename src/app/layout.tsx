import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ServiceWorker } from "@/components/ServiceWorker";
import { TRPCReactProvider } from "@/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Rewind",
  description: "Collaborative boards with a complete, browsable history.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
        <ServiceWorker />
      </body>
    </html>
  );
}
