import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";

/** Turns shopify-app-remix's login errors into field messages that say what to do. */
export function loginErrorMessage(loginErrors: LoginError | undefined): { shop?: string } {
  if (loginErrors?.shop === LoginErrorType.MissingShop) return { shop: "Enter your shop domain to log in" };
  if (loginErrors?.shop === LoginErrorType.InvalidShop) return { shop: "Enter a valid shop domain, such as example.myshopify.com" };
  return {};
}
