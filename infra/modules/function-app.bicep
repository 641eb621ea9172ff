// The function app on the Flex Consumption plan (Linux, Python 3.11), running as the
// user-assigned identity. The host reaches its storage with that identity, the code reaches
// Cosmos DB and Azure OpenAI with it (DefaultAzureCredential reads AZURE_CLIENT_ID), and
// telemetry goes to Application Insights with Entra authentication.
//
// The app settings below are the whole list: docs/configuration.md explains each one and
// tests/infra/test_settings_coverage.py keeps the two and the code in step.

@description('Name of the function app, also the first label of its host name.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app; the app also gets the azd service tag.')
param tags object = {}

@description('Service name in azure.yaml that azd deploys to this app.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity, for the host storage connection and DefaultAzureCredential.')
param identityClientId string

@description('Name of the storage account that holds the host state and the app package.')
param storageAccountName string

@description('URL of the blob container the platform deploys the app package from.')
param deploymentContainerUrl string

@description('Name of the Application Insights component that receives telemetry.')
param applicationInsightsName string

@description('Largest number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Origins allowed to call the HTTP API from a browser, such as the web app\'s address.')
param allowedOrigins array = []

@description('Cosmos DB account endpoint, https://<account>.documents.azure.com:443/.')
param cosmosEndpoint string

@description('Name of the Cosmos DB database.')
param cosmosDatabase string

@description('Language model mode: azure-openai when AI is on, off for the template writer.')
@allowed([
  'azure-openai'
  'off'
])
param aiMode string

@description('Azure OpenAI endpoint; empty when AI is off.')
param azureOpenAiEndpoint string = ''

@description('Azure OpenAI chat deployment name; empty when AI is off.')
param azureOpenAiDeployment string = ''

@description('Azure OpenAI data-plane API version the app calls.')
param azureOpenAiApiVersion string

@description('Six-field CRON expression (UTC) of the nightly balance precompute.')
param precomputeSchedule string

@description('Six-field CRON expression (UTC) of the nightly summaries, after the precompute.')
param summarySchedule string

@description('Seconds one language model call may take before the template writer answers instead.')
@minValue(1)
param aiTimeoutSeconds int

@description('Retries of a language model call whose answer failed the checks, before the template writer.')
@minValue(0)
param aiMaxRetries int

@description('Tokens the nightly summaries may spend in one run.')
@minValue(0)
param summaryTokenBudget int

@description('Aging period bounds in days, comma-separated, such as 30,60,90,120.')
param agingPeriods string

@description('How many customers each workspace list shows by default.')
@minValue(1)
param workspaceTop int

@description('Days past due that turn a reminder firm, then final, comma-separated, such as 30,60.')
param reminderToneDays string

@description('Days after a workflow reminder before the same customer is due another.')
@minValue(1)
param reminderQuietDays int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  //checkov:skip=CKV_AZURE_225:Zone redundancy on Flex Consumption needs always-ready instances, paid for at rest; a collections workspace can wait out a zonal outage.
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  //checkov:skip=CKV_AZURE_222:The HTTP API serves the browser app and the reminder workflow over the internet; function keys guard every route but health.
  //checkov:skip=CKV_AZURE_17:Client certificates would lock out browsers and the Logic App; callers present function keys over HTTPS instead.
  //checkov:skip=CKV_AZURE_212:Flex Consumption scales from zero; a minimum instance count would be paid for at rest.
  //checkov:skip=CKV_AZURE_213:Flex Consumption manages its own instances; GET /api/health is there for external probes.
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
      ftpsState: 'Disabled'
      remoteDebuggingEnabled: false
      cors: {
        allowedOrigins: union([
          'https://portal.azure.com'
        ], allowedOrigins)
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  //checkov:skip=CKV_AZURE_13:Callers authenticate with function keys; App Service Authentication needs an Entra app registration, which Bicep cannot create.
  //checkov:skip=CKV_AZURE_222:Same reason as on the site: the API is public by design and guarded by function keys.
  //checkov:skip=CKV_AZURE_63:Web server HTTP logs are an App Service feature; Flex Consumption sends request telemetry to Application Insights.
  //checkov:skip=CKV_AZURE_65:Detailed error pages are an App Service web server feature; errors reach Application Insights.
  //checkov:skip=CKV_AZURE_66:Failed request tracing is an App Service web server feature; failed requests reach Application Insights.
  //checkov:skip=CKV_AZURE_80:The .NET Framework version does not apply to a Python app.
  //checkov:skip=CKV_AZURE_88:Flex Consumption runs the app from its deployment blob container; there is no Azure Files share.
  parent: app
  name: 'appsettings'
  properties: {
    // Host settings: identity-based storage for the Functions host, Entra-authenticated
    // telemetry, and the identity DefaultAzureCredential picks in the code.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    AZURE_CLIENT_ID: identityClientId

    // Settings the code reads (shared/settings.py).
    COLLECTIONS_STORE: 'cosmos'
    COSMOS_ENDPOINT: cosmosEndpoint
    COSMOS_DATABASE: cosmosDatabase
    COLLECTIONS_AI: aiMode
    AZURE_OPENAI_ENDPOINT: azureOpenAiEndpoint
    AZURE_OPENAI_DEPLOYMENT: azureOpenAiDeployment
    AZURE_OPENAI_API_VERSION: azureOpenAiApiVersion
    COLLECTIONS_AI_TIMEOUT_SECONDS: string(aiTimeoutSeconds)
    COLLECTIONS_AI_MAX_RETRIES: string(aiMaxRetries)
    PRECOMPUTE_SCHEDULE: precomputeSchedule
    // The timer plans and queues the batches; any instance takes one (docs/precompute.md).
    COLLECTIONS_PRECOMPUTE_FANOUT: 'queue'
    COLLECTIONS_PRECOMPUTE_BATCH_SIZE: '2000'
    SUMMARY_SCHEDULE: summarySchedule
    COLLECTIONS_SUMMARY_TOKEN_BUDGET: string(summaryTokenBudget)
    COLLECTIONS_AGING_PERIODS: agingPeriods
    COLLECTIONS_WORKSPACE_TOP: string(workspaceTop)
    COLLECTIONS_REMINDER_TONE_DAYS: reminderToneDays
    COLLECTIONS_REMINDER_QUIET_DAYS: string(reminderQuietDays)
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output uri string = 'https://${app.properties.defaultHostName}'
