//! `GET /metadata/endpoints`: ARM's cloud discovery document, answered
//! without a token (SDKs and `az cloud register` read it before signing in).
//! From api-version 2022-09-01 it is a list of clouds; before, one object.
//! The simulator's cloud points every endpoint it serves (Entra's login, ARM)
//! at itself and keeps the public cloud's token audiences, which it accepts.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{ArmResult, V_METADATA_ENDPOINTS};
use crate::errors::HttpError;
use crate::state::App;

const AUDIENCES: [&str; 2] = ["https://management.core.windows.net/", "https://management.azure.com/"];

pub fn endpoints(app: &App, method: &Method, query: &[(String, String)]) -> ArmResult {
    if method != Method::GET {
        return Err(HttpError::arm(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The requested resource does not support http method '{method}'."),
        ));
    }
    let Some(version) = query.iter().find(|(k, _)| k.eq_ignore_ascii_case("api-version")).map(|(_, v)| v.as_str()) else {
        return Err(HttpError::bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        ));
    };
    if !V_METADATA_ENDPOINTS.iter().any(|v| v.eq_ignore_ascii_case(version)) {
        let mut list = V_METADATA_ENDPOINTS.to_vec();
        list.reverse();
        return Err(HttpError::bad_request(
            "InvalidApiVersionParameter",
            format!("The api-version '{version}' is invalid. The supported versions are '{}'.", list.join(",")),
        ));
    }
    let base = app.base_url.trim_end_matches('/');
    if version.as_bytes() < b"2022-09-01".as_slice() {
        return Ok((StatusCode::OK, Some(legacy(base))));
    }
    Ok((StatusCode::OK, Some(json!([cloud(base)]))))
}

/// One cloud in the 2022-09-01 shape.
pub fn cloud(base: &str) -> Value {
    json!({
        "portal": "https://portal.azure.com",
        "authentication": {
            "loginEndpoint": base,
            "audiences": AUDIENCES,
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "media": "https://rest.media.azure.net",
        "graphAudience": "https://graph.windows.net/",
        "graph": "https://graph.windows.net/",
        "name": "AzureCloud",
        "suffixes": {
            "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
            "acrLoginServer": "azurecr.io",
            "sqlServerHostname": "database.windows.net",
            "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
            "keyVaultDns": "vault.azure.net",
            "storage": "core.windows.net",
            "azureFrontDoorEndpointSuffix": "azurefd.net",
            "storageSyncEndpointSuffix": "afs.azure.net",
            "mhsmDns": "managedhsm.azure.net",
            "mysqlServerEndpoint": "mysql.database.azure.com",
            "postgresqlServerEndpoint": "postgres.database.azure.com",
            "mariadbServerEndpoint": "mariadb.database.azure.com",
            "synapseAnalytics": "dev.azuresynapse.net",
            "attestationEndpoint": "attest.azure.net",
        },
        "batch": "https://batch.core.windows.net/",
        "resourceManager": format!("{base}/"),
        "vmImageAliasDoc": "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json",
        "activeDirectoryDataLake": "https://datalake.azure.net/",
        "sqlManagement": "https://management.core.windows.net:8443/",
        "microsoftGraphResourceId": "https://graph.microsoft.com/",
        "appInsightsResourceId": "https://api.applicationinsights.io",
        "appInsightsTelemetryChannelResourceId": "https://dc.applicationinsights.azure.com/v2/track",
        "attestationResourceId": "https://attest.azure.net",
        "synapseAnalyticsResourceId": "https://dev.azuresynapse.net",
        "logAnalyticsResourceId": "https://api.loganalytics.io",
        "ossrDbmsResourceId": "https://ossrdbms-aad.database.windows.net",
    })
}

/// The single-object shape of api-versions before 2022-09-01.
fn legacy(base: &str) -> Value {
    json!({
        "galleryEndpoint": "https://gallery.azure.com/",
        "graphEndpoint": "https://graph.windows.net/",
        "graphAudience": "https://graph.windows.net/",
        "portalEndpoint": "https://portal.azure.com/",
        "authentication": { "loginEndpoint": format!("{base}/"), "audiences": AUDIENCES },
    })
}
