/**
 * ARM error envelopes: `{"error":{"code","message","target?","details?"}}` and the
 * exception type route handlers throw to answer with one.
 */

export interface ArmErrorBody {
    code: string;
    message: string;
    target?: string;
    details?: ArmErrorBody[];
}

export class ArmError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly target?: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
        this.name = "ArmError";
    }

    toBody(): { error: ArmErrorBody } {
        const error: ArmErrorBody = { code: this.code, message: this.message };
        if (this.target !== undefined) error.target = this.target;
        return { error };
    }
}

export function missingApiVersion(): ArmError {
    return new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
}

export function invalidRequestContent(detail: string): ArmError {
    return new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${detail}'.`);
}

export function subscriptionNotFound(subscriptionId: string): ArmError {
    return new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
}

export function resourceGroupNotFound(resourceGroup: string): ArmError {
    return new ArmError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
}

export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
    return new ArmError(
        404,
        "ResourceNotFound",
        `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
}

export function invalidInput(message: string, target?: string): ArmError {
    return new ArmError(400, "BMSUserErrorInvalidInput", message, target);
}

export function methodNotAllowed(method: string, path: string): ArmError {
    return new ArmError(405, "MethodNotAllowed", `The requested method '${method}' is not allowed on '${path}'.`);
}

export function noRoute(path: string): ArmError {
    const match = /\/providers\/([^/]+)\/([^/?]+)/i.exec(path);
    if (match) {
        return new ArmError(
            404,
            "InvalidResourceType",
            `The resource type '${match[2]}' could not be found in the namespace '${match[1]}' for this emulator.`,
        );
    }
    return new ArmError(404, "NotFound", `No route for '${path}'.`);
}

/** A default ARM error code for a bare HTTP status (used by the http fault). */
export function defaultCodeForStatus(status: number): string {
    switch (status) {
        case 400:
            return "BadRequest";
        case 401:
            return "AuthenticationFailed";
        case 403:
            return "AuthorizationFailed";
        case 404:
            return "NotFound";
        case 409:
            return "Conflict";
        case 412:
            return "PreconditionFailed";
        case 429:
            return "TooManyRequests";
        case 500:
            return "InternalServerError";
        case 502:
            return "BadGateway";
        case 503:
            return "ServiceUnavailable";
        case 504:
            return "GatewayTimeout";
        default:
            return `Http${status}`;
    }
}
